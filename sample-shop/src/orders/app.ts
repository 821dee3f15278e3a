import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import { createServer } from '../shared/server.ts';
import type { HttpLimits } from '../shared/config.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { migrateOrders } from './schema.ts';
import { Checkout } from './checkout.ts';
import { startRecovery } from './recovery.ts';
import { ordersRoutes } from './routes.ts';

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
  await app.register(ordersRoutes, { db, checkout });
  return app;
}
