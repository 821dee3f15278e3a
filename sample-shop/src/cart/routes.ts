import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';
import { money } from '../shared/money.ts';
import { parseInput } from '../shared/validation.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { productsByIds } from '../shared/catalog-lookup.ts';
import { maxCartLines } from '../shared/cart-limits.ts';
import { telemetry } from '../shared/telemetry.ts';

// The cart's HTTP routes, one fastify plugin: carts, their lines, and the checkout mark.

export interface CartRouteOptions {
  db: Db;
  catalog: ServiceClient;
}

/** Most of one product a cart may hold. */
export const maxQuantityPerLine = 99;

const cartParams = z.object({ id: z.string().min(1).max(100) });
const lineParams = z.object({ id: z.string().min(1).max(100), productId: z.string().min(1).max(64) });
const addBody = z
  .object({
    productId: z.string().min(1).max(64),
    quantity: z.number().int().min(1).max(maxQuantityPerLine),
  })
  .strict();
const setBody = z.object({ quantity: z.number().int().min(0).max(maxQuantityPerLine) }).strict();

interface CatalogProduct {
  id: string;
  name: string;
  price: { amount: number; currency: string };
}

export const cartRoutes: FastifyPluginAsync<CartRouteOptions> = async (app, { db, catalog }) => {
  async function loadCart(id: string) {
    const cart = await db.get<{ id: string; status: string }>('SELECT id, status FROM cart_carts WHERE id = ?', [id]);
    if (!cart) throw new ShopError('cart_not_found', `no cart with id ${JSON.stringify(id)}`);
    return cart;
  }

  async function openCart(id: string) {
    const cart = await loadCart(id);
    if (cart.status !== 'open') throw new ShopError('cart_closed', `cart ${id} is already checked out`);
    return cart;
  }

  /** Touches the cart first in a transaction: on PostgreSQL its row lock orders concurrent changes to one cart. */
  async function lockCart(tx: Db, id: string) {
    await tx.run('UPDATE cart_carts SET updated_at = ? WHERE id = ?', [Date.now(), id]);
  }

  /** A new line, within the cart's limit of distinct products (call after `lockCart`). */
  async function insertLine(tx: Db, id: string, productId: string, quantity: number) {
    const lines = await tx.get<{ n: number }>('SELECT COUNT(*) AS n FROM cart_items WHERE cart_id = ?', [id]);
    if ((lines?.n ?? 0) >= maxCartLines) {
      throw new ShopError('quantity_limit', `a cart holds at most ${maxCartLines} different products`);
    }
    await tx.run('INSERT INTO cart_items (cart_id, product_id, quantity) VALUES (?, ?, ?)', [id, productId, quantity]);
  }

  /** The cart with names and prices from the catalog; without the catalog, lines still show. */
  async function view(id: string) {
    const cart = await loadCart(id);
    const lines = await db.all<{ product_id: string; quantity: number }>(
      'SELECT product_id, quantity FROM cart_items WHERE cart_id = ? ORDER BY product_id',
      [id],
    );
    let products = new Map<string, CatalogProduct>();
    try {
      products = await productsByIds<CatalogProduct>(
        catalog,
        lines.map((l) => l.product_id),
      );
    } catch {
      // catalog down: show the lines without prices
    }
    let totalCents = 0;
    const items = lines.map((line) => {
      const product = products.get(line.product_id);
      const unitCents = product ? Math.round(product.price.amount * 100) : undefined;
      if (unitCents !== undefined) totalCents += unitCents * line.quantity;
      return {
        productId: line.product_id,
        quantity: line.quantity,
        name: product?.name ?? null,
        unitPrice: unitCents === undefined ? null : money(unitCents),
        lineTotal: unitCents === undefined ? null : money(unitCents * line.quantity),
      };
    });
    return { id: cart.id, status: cart.status, items, total: money(totalCents) };
  }

  app.post('/carts', async (_request, reply) => {
    const id = `c-${randomUUID()}`;
    const now = Date.now();
    await db.run("INSERT INTO cart_carts (id, status, created_at, updated_at) VALUES (?, 'open', ?, ?)", [id, now, now]);
    return reply.status(201).send({ id });
  });

  app.get('/carts/:id', async (request) => {
    const { id } = parseInput(cartParams, request.params, 'path');
    return view(id);
  });

  app.post('/carts/:id/items', async (request, reply) => {
    const { id } = parseInput(cartParams, request.params, 'path');
    const body = parseInput(addBody, request.body, 'body');
    await openCart(id);
    await catalog.get(`/products/${encodeURIComponent(body.productId)}`);
    await db.transaction(async (tx) => {
      await lockCart(tx, id);
      const existing = await tx.get<{ quantity: number }>('SELECT quantity FROM cart_items WHERE cart_id = ? AND product_id = ?', [
        id,
        body.productId,
      ]);
      const quantity = (existing?.quantity ?? 0) + body.quantity;
      if (quantity > maxQuantityPerLine) {
        throw new ShopError('quantity_limit', `a cart holds at most ${maxQuantityPerLine} of one product`);
      }
      if (existing) {
        await tx.run('UPDATE cart_items SET quantity = ? WHERE cart_id = ? AND product_id = ?', [quantity, id, body.productId]);
      } else {
        await insertLine(tx, id, body.productId, quantity);
      }
    });
    telemetry.cartUpdated({ cartId: id, action: 'add', sku: body.productId, quantity: body.quantity });
    return reply.status(201).send(await view(id));
  });

  app.put('/carts/:id/items/:productId', async (request) => {
    const { id, productId } = parseInput(lineParams, request.params, 'path');
    const body = parseInput(setBody, request.body, 'body');
    await openCart(id);
    if (body.quantity === 0) {
      await db.run('DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?', [id, productId]);
    } else {
      await catalog.get(`/products/${encodeURIComponent(productId)}`);
      await db.transaction(async (tx) => {
        await lockCart(tx, id);
        const changed = await tx.run('UPDATE cart_items SET quantity = ? WHERE cart_id = ? AND product_id = ?', [
          body.quantity,
          id,
          productId,
        ]);
        if (changed === 0) await insertLine(tx, id, productId, body.quantity);
      });
    }
    telemetry.cartUpdated({ cartId: id, action: body.quantity === 0 ? 'remove' : 'update', sku: productId, quantity: body.quantity });
    return view(id);
  });

  app.delete('/carts/:id/items/:productId', async (request) => {
    const { id, productId } = parseInput(lineParams, request.params, 'path');
    await openCart(id);
    await db.run('DELETE FROM cart_items WHERE cart_id = ? AND product_id = ?', [id, productId]);
    telemetry.cartUpdated({ cartId: id, action: 'remove', sku: productId });
    return view(id);
  });

  // Called by orders when a checkout is confirmed; repeating it is harmless.
  app.post('/carts/:id/checkout', async (request) => {
    const { id } = parseInput(cartParams, request.params, 'path');
    await loadCart(id);
    await db.run("UPDATE cart_carts SET status = 'checked_out', updated_at = ? WHERE id = ?", [Date.now(), id]);
    return view(id);
  });
};
