import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import type { FlagStore } from '../shared/flags.ts';
import { createServer } from '../shared/server.ts';
import type { HttpLimits } from '../shared/config.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { startMemoryLeakFault } from './memory-leak.ts';
import { cartRoutes } from './routes.ts';
import { migrateCart } from './schema.ts';

export interface CartDeps {
  db: Db;
  flags: FlagStore;
  catalog: ServiceClient;
  logger?: boolean;
  limits?: HttpLimits;
}

export async function buildCartApp(deps: CartDeps): Promise<FastifyInstance> {
  const { db, flags, catalog } = deps;
  await migrateCart(db);
  const app = createServer({ service: 'cart', logger: deps.logger, limits: deps.limits });
  const stopLeak = startMemoryLeakFault(flags);
  app.addHook('onClose', async () => stopLeak());
  await app.register(cartRoutes, { db, catalog });
  return app;
}
