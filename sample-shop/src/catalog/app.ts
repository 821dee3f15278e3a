import type { FastifyInstance } from 'fastify';
import type { Db } from '../shared/db.ts';
import type { FlagStore } from '../shared/flags.ts';
import { createServer } from '../shared/server.ts';
import type { HttpLimits } from '../shared/config.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { migrateCatalog } from './schema.ts';
import { catalogRoutes } from './routes.ts';

export interface CatalogDeps {
  db: Db;
  flags: FlagStore;
  inventory: ServiceClient;
  logger?: boolean;
  limits?: HttpLimits;
}

export async function buildCatalogApp(deps: CatalogDeps): Promise<FastifyInstance> {
  const { db, flags, inventory } = deps;
  await migrateCatalog(db);
  const app = createServer({ service: 'catalog', logger: deps.logger, limits: deps.limits });
  await app.register(catalogRoutes, { db, flags, inventory });
  return app;
}
