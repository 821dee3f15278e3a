import { join } from 'node:path';
import { BlockList, isIP } from 'node:net';
import { parseSchedule, type Schedule } from './schedule.ts';
import { parseApiKeys, type ApiKeys } from './api-keys.ts';

export const serviceNames = ['gateway', 'catalog', 'cart', 'orders', 'payments', 'inventory', 'fulfilment'] as const;
export type ServiceName = (typeof serviceNames)[number];

export const defaultPorts: Record<ServiceName, number> = {
  gateway: 8080,
  catalog: 8081,
  cart: 8082,
  orders: 8083,
  payments: 8084,
  inventory: 8085,
  fulfilment: 8086,
};

/** Each service's metrics port when it runs under the agent: 9464 + its place in the list. */
export const metricsPorts: Record<ServiceName, number> = Object.fromEntries(serviceNames.map((name, i) => [name, 9464 + i])) as Record<
  ServiceName,
  number
>;

const repoRoot = new URL('../../../', import.meta.url).pathname;

/** Nightly at 02:00 UTC: yesterday's orders and payments are all settled by then. */
export const defaultSettlementSchedule = '0 2 * * *';

/** The admin token a demo starts with; it is public, so it is refused off loopback. */
export const defaultAdminToken = 'shopscope-admin';

/** What every service's HTTP server allows its clients (a slow or greedy client cannot hold it). */
export interface HttpLimits {
  /** The whole request, headers and body, must arrive within this. */
  requestTimeoutMs: number;
  /** The request line and headers must arrive within this (at most the request timeout). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** A connection with no traffic either way for this long is closed, whatever it is doing. */
  connectionTimeoutMs: number;
  /** Connections beyond this many are closed as they arrive. */
  maxConnections: number;
}

export const defaultHttpLimits: Readonly<HttpLimits> = Object.freeze({
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  connectionTimeoutMs: 60_000,
  maxConnections: 1024,
});

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
  http: HttpLimits;
  /** When orders runs the settlement job (UTC); undefined: never on its own. */
  settlementSchedule: Schedule | undefined;
  /** API key → consumer name at the gateway (`SHOPSCOPE_API_KEYS`); empty: every caller is `anonymous`. */
  apiKeys: ApiKeys;
  /** The Kafka brokers (`SHOPSCOPE_KAFKA_BROKERS`, host:port list); empty with `off`: no events are published or consumed. */
  kafkaBrokers: readonly string[];
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

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** Whether binding to `host` keeps a service reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const address = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (address === 'localhost') return true;
  const family = isIP(address);
  if (family === 0) return false;
  return loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function loadHttpLimits(env: NodeJS.ProcessEnv): HttpLimits {
  const limits: HttpLimits = {
    requestTimeoutMs: intFromEnv(env, 'SHOPSCOPE_REQUEST_TIMEOUT_MS', defaultHttpLimits.requestTimeoutMs, 1),
    headersTimeoutMs: intFromEnv(env, 'SHOPSCOPE_HEADERS_TIMEOUT_MS', defaultHttpLimits.headersTimeoutMs, 1),
    keepAliveTimeoutMs: intFromEnv(env, 'SHOPSCOPE_KEEP_ALIVE_TIMEOUT_MS', defaultHttpLimits.keepAliveTimeoutMs, 1),
    connectionTimeoutMs: intFromEnv(env, 'SHOPSCOPE_CONNECTION_TIMEOUT_MS', defaultHttpLimits.connectionTimeoutMs, 1),
    maxConnections: intFromEnv(env, 'SHOPSCOPE_MAX_CONNECTIONS', defaultHttpLimits.maxConnections, 1),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new Error(
      `SHOPSCOPE_HEADERS_TIMEOUT_MS (${limits.headersTimeoutMs}) must not exceed SHOPSCOPE_REQUEST_TIMEOUT_MS (${limits.requestTimeoutMs})`,
    );
  }
  return limits;
}

/** `SHOPSCOPE_KAFKA_BROKERS`: host:port list, default the stack's broker (`SHOPSCOPE_KAFKA_PORT`, 9092); `off` for none. */
function loadKafkaBrokers(env: NodeJS.ProcessEnv): string[] {
  const raw = env.SHOPSCOPE_KAFKA_BROKERS?.trim() || `127.0.0.1:${env.SHOPSCOPE_KAFKA_PORT?.trim() || '9092'}`;
  if (raw === 'off') return [];
  const brokers = raw
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0 || brokers.some((broker) => !/^[^\s:/]+:\d{1,5}$/.test(broker))) {
    throw new Error(`SHOPSCOPE_KAFKA_BROKERS=${raw} is not a host:port list (e.g. 127.0.0.1:9092) or off`);
  }
  return brokers;
}

/** Reads the shop's settings once, at start; a bad value stops the service with one clear line. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ShopConfig {
  const host = env.SHOPSCOPE_HOST || '127.0.0.1';
  const adminToken = env.SHOPSCOPE_ADMIN_TOKEN || defaultAdminToken;
  if (adminToken === defaultAdminToken && !isLoopbackHost(host)) {
    throw new Error(
      `SHOPSCOPE_HOST=${host} is reachable from other machines but SHOPSCOPE_ADMIN_TOKEN is the public default; set a token of your own or bind to 127.0.0.1`,
    );
  }
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
    adminToken,
    rateLimit: intFromEnv(env, 'SHOPSCOPE_RATE_LIMIT', 1000),
    bodyLimitBytes: intFromEnv(env, 'SHOPSCOPE_BODY_LIMIT', 64 * 1024, 1),
    paymentTimeoutMs,
    recoverAfterMs: intFromEnv(env, 'SHOPSCOPE_RECOVER_AFTER_MS', paymentTimeoutMs + 5000, 1),
    http: loadHttpLimits(env),
    settlementSchedule: parseSchedule('SHOPSCOPE_SETTLEMENT_SCHEDULE', env.SHOPSCOPE_SETTLEMENT_SCHEDULE || defaultSettlementSchedule),
    apiKeys: parseApiKeys(env.SHOPSCOPE_API_KEYS),
    kafkaBrokers: Object.freeze(loadKafkaBrokers(env)),
  });
}

export function flagsPath(config: Pick<ShopConfig, 'dataDir'>): string {
  return join(config.dataDir, 'flags.json');
}

export function sqlitePath(config: Pick<ShopConfig, 'dataDir'>, service: ServiceName): string {
  return join(config.dataDir, `${service}.db`);
}
