import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import type { FlagStore } from '../shared/flags.ts';
import { ShopError } from '../shared/errors.ts';
import { createServer } from '../shared/server.ts';
import type { HttpLimits } from '../shared/config.ts';
import { migrateInventory } from './schema.ts';
import { inventoryRoutes } from './routes.ts';

export interface InventoryDeps {
  db: Db;
  flags: FlagStore;
  logger?: boolean;
  limits?: HttpLimits;
}

export async function buildInventoryApp(deps: InventoryDeps): Promise<FastifyInstance> {
  const { db, flags } = deps;
  await migrateInventory(db);
  const app = createServer({ service: 'inventory', logger: deps.logger, limits: deps.limits });

  // The `inventoryUnavailable` fault flag: every call but the health check fails as an outage would.
  app.addHook('onRequest', async (request) => {
    if (flags.get().inventoryUnavailable && request.url !== '/healthz') {
      throw new ShopError('service_unavailable', 'inventory is unavailable (fault flag inventoryUnavailable)');
    }
  });
  await app.register(inventoryRoutes, { db });
  return app;
}
