import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import type { FlagStore } from '../shared/flags.ts';
import { createServer } from '../shared/server.ts';
import type { HttpLimits } from '../shared/config.ts';
import { paymentsRoutes } from './routes.ts';
import { migratePayments } from './schema.ts';

export interface PaymentsDeps {
  db: Db;
  flags: FlagStore;
  logger?: boolean;
  limits?: HttpLimits;
}

export async function buildPaymentsApp(deps: PaymentsDeps): Promise<FastifyInstance> {
  const { db, flags } = deps;
  await migratePayments(db);
  const app = createServer({ service: 'payments', logger: deps.logger, limits: deps.limits });
  await app.register(paymentsRoutes, { db, flags });
  return app;
}
