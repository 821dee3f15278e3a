import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';
import { parseInput } from '../shared/validation.ts';
import { maxCartLines } from '../shared/cart-limits.ts';
import { commit as commitReservation, getReservation, release as releaseReservation, reserve as reserveStock } from './reservations.ts';
import { telemetry } from '../shared/telemetry.ts';

// The inventory's HTTP routes, one fastify plugin: stock, and the reservations orders make, commit and release.

const reserve = telemetry.traced('inventory.reserve', reserveStock);
const commit = telemetry.traced('inventory.commit', commitReservation);
const release = telemetry.traced('inventory.release', releaseReservation);

export interface InventoryRouteOptions {
  db: Db;
}

// Schemas are built once: zod compiles a fast path per schema object, so one made per request
// costs that compilation on every call.
const productId = z.string().min(1).max(64);
const productParams = z.object({ productId });
const stockQuery = z.object({ ids: z.string().max(8000) });
const stockUpdate = z.object({ available: z.number().int().min(0).max(1_000_000) }).strict();
const orderParams = z.object({ orderId: z.string().min(1).max(100) });
const reserveBody = z.object({
  orderId: z.string().min(1).max(100),
  items: z
    .array(z.object({ productId, quantity: z.number().int().min(1).max(1000) }).strict())
    .min(1)
    .max(maxCartLines),
});

export const inventoryRoutes: FastifyPluginAsync<InventoryRouteOptions> = async (app, { db }) => {
  app.get('/stock', async (request) => {
    const { ids } = parseInput(stockQuery, request.query, 'query');
    const list = ids.split(',').filter(Boolean).slice(0, 200);
    if (list.length === 0) return { stock: {} };
    const rows = await db.all<{ product_id: string; available: number }>(
      `SELECT product_id, available FROM inventory_stock WHERE product_id IN (${list.map(() => '?').join(', ')})`,
      list,
    );
    return { stock: Object.fromEntries(rows.map((r) => [r.product_id, r.available])) };
  });

  app.get('/stock/:productId', async (request) => {
    const params = parseInput(productParams, request.params, 'path');
    const row = await db.get<{ available: number }>('SELECT available FROM inventory_stock WHERE product_id = ?', [params.productId]);
    if (!row) throw new ShopError('product_not_found', `no stock record for product ${params.productId}`);
    return { productId: params.productId, available: row.available };
  });

  app.put('/stock/:productId', async (request) => {
    const params = parseInput(productParams, request.params, 'path');
    const body = parseInput(stockUpdate, request.body, 'body');
    const changed = await db.run('UPDATE inventory_stock SET available = ? WHERE product_id = ?', [body.available, params.productId]);
    if (changed === 0) throw new ShopError('product_not_found', `no stock record for product ${params.productId}`);
    return { productId: params.productId, available: body.available };
  });

  app.post('/reservations', async (request, reply) => {
    const body = parseInput(reserveBody, request.body, 'body');
    const reservation = await reserve(db, body.orderId, body.items);
    if (reservation.status === 'released') {
      throw new ShopError('reservation_conflict', `order ${body.orderId} was already released`);
    }
    return reply.status(201).send(reservation);
  });

  app.get('/reservations/:orderId', async (request) => {
    const { orderId } = parseInput(orderParams, request.params, 'path');
    const reservation = await getReservation(db, orderId);
    if (!reservation) throw new ShopError('not_found', `no reservation for order ${orderId}`);
    return reservation;
  });

  app.post('/reservations/:orderId/commit', async (request) => {
    const { orderId } = parseInput(orderParams, request.params, 'path');
    return commit(db, orderId);
  });

  app.post('/reservations/:orderId/release', async (request) => {
    const { orderId } = parseInput(orderParams, request.params, 'path');
    return release(db, orderId);
  });
};
