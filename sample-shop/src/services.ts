import type { FastifyInstance } from 'fastify';
import type { ServiceName, ShopConfig } from './shared/config.ts';
import { sqlitePath } from './shared/config.ts';
import { openDb, type Db } from './shared/db.ts';
import type { FlagStore } from './shared/flags.ts';
import { ServiceClient } from './shared/service-client.ts';
import { buildGatewayApp } from './gateway/app.ts';
import { buildCatalogApp } from './catalog/app.ts';
import { buildCartApp } from './cart/app.ts';
import { buildOrdersApp } from './orders/app.ts';
import { buildPaymentsApp } from './payments/app.ts';
import { buildInventoryApp } from './inventory/app.ts';

export interface BuiltService {
  app: FastifyInstance;
  db?: Db;
}

export interface BuildOptions {
  logger?: boolean;
  /** How often orders' recovery sweep runs (tests shorten it). */
  recoveryIntervalMs?: number;
}

/** Builds one service's app with its database and clients; the one place the wiring lives. */
export async function buildService(name: ServiceName, config: ShopConfig, flags: FlagStore, options: BuildOptions = {}): Promise<BuiltService> {
  const client = (target: ServiceName, timeoutMs?: number) => new ServiceClient(target, config.urls[target], timeoutMs);
  const db = name === 'gateway' ? undefined : openDb({ databaseUrl: config.databaseUrl, sqlitePath: sqlitePath(config, name) });
  const logger = options.logger;
  switch (name) {
    case 'gateway':
      return { app: await buildGatewayApp({ config, flags, logger }) };
    case 'catalog':
      return { app: await buildCatalogApp({ db: db!, flags, inventory: client('inventory'), logger }), db };
    case 'cart':
      return { app: await buildCartApp({ db: db!, flags, catalog: client('catalog'), logger }), db };
    case 'inventory':
      return { app: await buildInventoryApp({ db: db!, flags, logger }), db };
    case 'payments':
      return { app: await buildPaymentsApp({ db: db!, flags, logger }), db };
    case 'orders':
      return {
        app: await buildOrdersApp({
          db: db!,
          catalog: client('catalog'),
          cart: client('cart'),
          inventory: client('inventory'),
          payments: client('payments', config.paymentTimeoutMs),
          paymentTimeoutMs: config.paymentTimeoutMs,
          recoverAfterMs: config.recoverAfterMs,
          recoveryIntervalMs: options.recoveryIntervalMs,
          logger,
        }),
        db,
      };
  }
}
