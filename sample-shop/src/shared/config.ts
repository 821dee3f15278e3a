import { join } from 'node:path';

export const serviceNames = ['gateway', 'catalog', 'cart', 'orders', 'payments', 'inventory'] as const;
export type ServiceName = (typeof serviceNames)[number];

export const defaultPorts: Record<ServiceName, number> = {
  gateway: 8080,
  catalog: 8081,
  cart: 8082,
  orders: 8083,
  payments: 8084,
  inventory: 8085,
};

const repoRoot = new URL('../../../', import.meta.url).pathname;

export interface ShopConfig {
  host: string;
  ports: Record<ServiceName, number>;
  urls: Record<ServiceName, string>;
  dataDir: string;
  databaseUrl: string | undefined;
  adminToken: string;
  /** Requests per second per client address at the gateway; 0 turns the limit off. */
  rateLimit: number;
  bodyLimitBytes: number;
  paymentTimeoutMs: number;
  /** Age at which orders' recovery sweep settles a pending order. */
  recoverAfterMs: number;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads the shop's settings once, at start; a bad value stops the service with one clear line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ShopConfig {
  const host = env.SHOPSCOPE_HOST ?? '127.0.0.1';
  const ports = {} as Record<ServiceName, number>;
  const urls = {} as Record<ServiceName, string>;
  for (const name of serviceNames) {
    const upper = name.toUpperCase();
    ports[name] = intFromEnv(env, `SHOPSCOPE_${upper}_PORT`, defaultPorts[name]);
    urls[name] = env[`SHOPSCOPE_${upper}_URL`] ?? `http://127.0.0.1:${ports[name]}`;
  }
  const paymentTimeoutMs = intFromEnv(env, 'SHOPSCOPE_PAYMENT_TIMEOUT_MS', 10_000, 1);
  return Object.freeze({
    host,
    ports,
    urls,
    dataDir: env.SHOPSCOPE_DATA_DIR ?? join(repoRoot, '.data', 'shop'),
    databaseUrl: env.DATABASE_URL || undefined,
    adminToken: env.SHOPSCOPE_ADMIN_TOKEN || 'shopscope-admin',
    rateLimit: intFromEnv(env, 'SHOPSCOPE_RATE_LIMIT', 1000),
    bodyLimitBytes: intFromEnv(env, 'SHOPSCOPE_BODY_LIMIT', 64 * 1024, 1),
    paymentTimeoutMs,
    recoverAfterMs: intFromEnv(env, 'SHOPSCOPE_RECOVER_AFTER_MS', paymentTimeoutMs + 5000, 1),
  });
}

export function flagsPath(config: Pick<ShopConfig, 'dataDir'>): string {
  return join(config.dataDir, 'flags.json');
}

export function sqlitePath(config: Pick<ShopConfig, 'dataDir'>, service: ServiceName): string {
  return join(config.dataDir, `${service}.db`);
}
