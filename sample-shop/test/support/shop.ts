import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { inject } from 'vitest';
import { loadConfig, flagsPath, serviceNames, type ServiceName, type ShopConfig } from '../../src/shared/config.ts';
import { FlagStore } from '../../src/shared/flags.ts';
import { openDb, type Db } from '../../src/shared/db.ts';
import { buildService, type BuiltService } from '../../src/services.ts';
import { createDatabase } from './postgres.ts';
import { freePort } from '@shopscope/testkit';

export const adminToken = 'test-admin-token';
export const dbMode = (process.env.SHOP_TEST_DB ?? 'sqlite') as 'sqlite' | 'postgres';

export interface TestShop {
  config: ShopConfig;
  url: string;
  env: NodeJS.ProcessEnv;
  services: Record<ServiceName, BuiltService>;
  flags: FlagStore;
  /** A service's own database, for the test's look at its tables. */
  db(service: Exclude<ServiceName, 'gateway'>): Db;
  stop(): Promise<void>;
}

/** Free ports, a temp data folder and (in PostgreSQL mode) a fresh database: a shop's environment. */
export async function shopEnvironment(extra: NodeJS.ProcessEnv = {}): Promise<{ env: NodeJS.ProcessEnv; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shopscope-shop-'));
  // No broker: the order events wait in the outbox, and a developer's Kafka never gets test events.
  const env: NodeJS.ProcessEnv = {
    SHOPSCOPE_DATA_DIR: dataDir,
    SHOPSCOPE_ADMIN_TOKEN: adminToken,
    SHOPSCOPE_RATE_LIMIT: '0',
    SHOPSCOPE_KAFKA_BROKERS: 'off',
    ...extra,
  };
  for (const name of serviceNames) {
    env[`SHOPSCOPE_${name.toUpperCase()}_PORT`] = String(await freePort());
    env[`SHOPSCOPE_${name.toUpperCase()}_METRICS_PORT`] = String(await freePort());
  }
  // Processes launched from here run under the agent when it is built; with no collector in
  // these tests its export goes nowhere (and must not disturb the shop).
  env.OTEL_EXPORTER_OTLP_ENDPOINT ??= 'http://127.0.0.1:9';
  if (dbMode === 'postgres') env.DATABASE_URL = await createDatabase(inject('postgresUrl'));
  return { env, dataDir };
}

/** The whole shop in this process, each service on its own port, as tests want it: fast. */
export async function startTestShop(extra: NodeJS.ProcessEnv = {}): Promise<TestShop> {
  const { env, dataDir } = await shopEnvironment(extra);
  const config = loadConfig(env);
  const flags = new FlagStore(flagsPath(config), 50).start();
  const services = {} as Record<ServiceName, BuiltService>;
  const order: ServiceName[] = ['inventory', 'payments', 'catalog', 'cart', 'orders', 'fulfilment', 'gateway'];
  for (const name of order) {
    services[name] = await buildService(name, config, flags, { recoveryIntervalMs: 200 });
    await services[name].app.listen({ host: '127.0.0.1', port: config.ports[name] });
  }
  return {
    config,
    env,
    url: config.urls.gateway,
    services,
    flags,
    db(service) {
      const db = services[service].db;
      if (!db) throw new Error(`${service} has no database`);
      return db;
    },
    async stop() {
      flags.stop();
      for (const name of [...order].reverse()) {
        await services[name].app.close();
        await services[name].db?.close();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function openServiceDb(env: NodeJS.ProcessEnv, service: Exclude<ServiceName, 'gateway'>): Promise<Db> {
  return openDb({ databaseUrl: env.DATABASE_URL, sqlitePath: join(env.SHOPSCOPE_DATA_DIR!, `${service}.db`) });
}
