import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';
import { money } from '../shared/money.ts';
import { parseInput } from '../shared/validation.ts';
import { createServer } from '../shared/server.ts';
import type { HttpLimits } from '../shared/config.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { loadOrder, loadOrderItems, migrateOrders } from './schema.ts';
import { Checkout, checkoutBody, idempotencyKeySchema } from './checkout.ts';
import { startRecovery } from './recovery.ts';

export interface OrdersDeps {
  db: Db;
  catalog: ServiceClient;
  cart: ServiceClient;
  inventory: ServiceClient;
  payments: ServiceClient;
  paymentTimeoutMs: number;
  /** Pending orders older than this are settled by the recovery sweep. */
  recoverAfterMs: number;
  recoveryIntervalMs?: number;
  logger?: boolean;
  limits?: HttpLimits;
}

const orderParams = z.object({ id: z.string().min(1).max(100) });

export async function buildOrdersApp(deps: OrdersDeps): Promise<FastifyInstance> {
  const { db } = deps;
  await migrateOrders(db);
  const app = createServer({ service: 'orders', logger: deps.logger, limits: deps.limits });
  const checkout = new Checkout(deps);
  const stopRecovery = startRecovery({
    db,
    clients: deps,
    inFlight: checkout.inFlight,
    staleAfterMs: deps.recoverAfterMs,
    intervalMs: deps.recoveryIntervalMs ?? 2000,
  });
  app.addHook('onClose', async () => stopRecovery());

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
    const items = await loadOrderItems(db, id);
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
  });

  return app;
}
