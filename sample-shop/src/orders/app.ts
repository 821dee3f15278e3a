import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import { createServer } from '../shared/server.ts';
import type { HttpLimits } from '../shared/config.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { migrateOrders } from './schema.ts';
import { Checkout } from './checkout.ts';
import { startRecovery } from './recovery.ts';
import { ordersRoutes } from './routes.ts';
import type { EventPublisher } from '../events/event-bus.ts';
import { eventLog } from '../events/event-log.ts';
import { outboxBacklog } from './outbox.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import type { FlagStore } from '../shared/flags.ts';
import type { Schedule } from '../shared/schedule.ts';
import { migrateSettlement } from './settlement-schema.ts';
import { SettlementJob } from './settlement-job.ts';
import { settlementRoutes } from './settlement-routes.ts';

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
  flags: FlagStore;
  /** The settlement job's schedule; undefined: only runs by hand. */
  settlementSchedule: Schedule | undefined;
  /** Where the outbox relay publishes the order events; without it they wait in the outbox. */
  events?: EventPublisher;
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
  const relay = deps.events ? startOutboxRelay({ db, publisher: deps.events, log: eventLog }) : undefined;
  if (relay) app.addHook('onClose', async () => relay.stop());
  // The outbox's backlog, for a look without Prometheus: { pending, oldestAgeSeconds, published }.
  app.get('/outbox', async () => outboxBacklog(db));
  await migrateSettlement(db);
  const settlement = new SettlementJob({ db, payments: deps.payments, flags: deps.flags }).start(deps.settlementSchedule);
  app.addHook('onClose', async () => settlement.stop());
  await app.register(settlementRoutes, { job: settlement });
  return app;
}
