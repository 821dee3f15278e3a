import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';
import { money } from '../shared/money.ts';
import { parseInput } from '../shared/validation.ts';
import { loadOrder, loadOrderItems, type OrderItemRow, type OrderRow } from './schema.ts';
import { checkoutBody, idempotencyKeySchema, type Checkout } from './checkout.ts';

// The orders service's HTTP routes, one fastify plugin: the checkout and the order it made.

export interface OrdersRouteOptions {
  db: Db;
  checkout: Checkout;
}

const orderParams = z.object({ id: z.string().min(1).max(100) });

export const ordersRoutes: FastifyPluginAsync<OrdersRouteOptions> = async (app, { db, checkout }) => {
  app.post('/checkout', async (request, reply) => {
    const rawKey = request.headers['idempotency-key'];
    const key = rawKey === undefined ? undefined : parseInput(idempotencyKeySchema, rawKey, 'Idempotency-Key header');
    const input = parseInput(checkoutBody, request.body, 'body');
    const result = await checkout.run(input, key);
    return reply.status(201).send(result);
  });

  app.get('/orders/:id', async (request) => {
    const { id } = parseInput(orderParams, request.params, 'path');
    const order = await loadOrder(db, id);
    if (!order) throw new ShopError('order_not_found', `no order with id ${JSON.stringify(id)}`);
    return orderView(order, await loadOrderItems(db, id));
  });
};

function orderView(order: OrderRow, items: OrderItemRow[]) {
  return {
    id: order.id,
    status: order.status,
    failureReason: order.failure_code,
    cartId: order.cart_id,
    total: money(order.total_cents),
    items: items.map((i) => ({
      productId: i.product_id,
      name: i.name,
      quantity: i.quantity,
      unitPrice: money(i.unit_price_cents),
    })),
    createdAt: new Date(order.created_at).toISOString(),
  };
}
