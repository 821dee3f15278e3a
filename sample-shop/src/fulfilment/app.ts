import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import type { HttpLimits } from '../shared/config.ts';
import type { FlagStore } from '../shared/flags.ts';
import { createServer } from '../shared/server.ts';
import type { EventConsumer } from '../events/event-bus.ts';
import { startConsuming } from './consumer.ts';
import { fulfilmentRoutes } from './routes.ts';
import { migrateFulfilment } from './schema.ts';

export interface FulfilmentDeps {
  db: Db;
  flags: FlagStore;
  /** The order events; without it the service only answers its read routes. */
  events?: EventConsumer;
  lagIntervalMs?: number;
  logger?: boolean;
  limits?: HttpLimits;
}

/** fulfilment: ships paid orders and mails their receipts, from the order events. */
export async function buildFulfilmentApp(deps: FulfilmentDeps): Promise<FastifyInstance> {
  const { db } = deps;
  await migrateFulfilment(db);
  const app = createServer({ service: 'fulfilment', logger: deps.logger, limits: deps.limits });
  const consumer = deps.events
    ? startConsuming({ db, consumer: deps.events, flags: deps.flags, lagIntervalMs: deps.lagIntervalMs })
    : undefined;
  if (consumer) app.addHook('onClose', async () => consumer.stop());
  await app.register(fulfilmentRoutes, { db, consumer });
  return app;
}
