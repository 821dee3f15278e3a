// Reads the environment once into a frozen settings object. This is the only place that may
// refuse a bad value; everything after it trusts the settings.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError } from './errors.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Every port the stack listens on, with the environment variable that moves it. */
export const PORT_VARIABLES = {
  otlpGrpc: ['SHOPSCOPE_OTLP_GRPC_PORT', 4317],
  otlpHttp: ['SHOPSCOPE_OTLP_HTTP_PORT', 4318],
  collectorMetrics: ['SHOPSCOPE_COLLECTOR_METRICS_PORT', 8888],
  tempoHttp: ['SHOPSCOPE_TEMPO_PORT', 3200],
  tempoGrpc: ['SHOPSCOPE_TEMPO_GRPC_PORT', 9096],
  tempoOtlpGrpc: ['SHOPSCOPE_TEMPO_OTLP_GRPC_PORT', 4417],
  tempoOtlpHttp: ['SHOPSCOPE_TEMPO_OTLP_HTTP_PORT', 4418],
  tempoMemberlist: ['SHOPSCOPE_TEMPO_MEMBERLIST_PORT', 7946],
  lokiHttp: ['SHOPSCOPE_LOKI_PORT', 3100],
  lokiGrpc: ['SHOPSCOPE_LOKI_GRPC_PORT', 9095],
  lokiMemberlist: ['SHOPSCOPE_LOKI_MEMBERLIST_PORT', 7947],
  prometheus: ['SHOPSCOPE_PROMETHEUS_PORT', 9090],
  storefront: ['SHOPSCOPE_STOREFRONT_PORT', 8080],
  alerts: ['SHOPSCOPE_ALERTS_PORT', 9094],
  shopMetricsBase: ['SHOPSCOPE_SHOP_METRICS_BASE_PORT', 9464],
} as const satisfies Record<string, readonly [string, number]>;

export type PortName = keyof typeof PORT_VARIABLES;
export type Ports = Readonly<Record<PortName, number>>;

export interface StackSettings {
  readonly repoRoot: string;
  /** Built binaries live in `<cacheDir>/bin/<component>-<version>/`. */
  readonly cacheDir: string;
  /** Per-component data (`<dataDir>/<component>`), pid files and `logs/`. */
  readonly dataDir: string;
  readonly ports: Ports;
  /** How long `up` waits for a component to become healthy. */
  readonly startTimeoutMs: number;
  /** How long `down` waits after SIGTERM before it sends SIGKILL. */
  readonly stopTimeoutMs: number;
}

export type Environment = Readonly<Record<string, string | undefined>>;

function readInteger(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StackError('SHOPSCOPE_ERR_BAD_SETTING', `${name}=${raw} is not a whole number between ${min} and ${max}`);
  }
  return value;
}

export function loadSettings(env: Environment = process.env): StackSettings {
  const ports = Object.fromEntries(
    Object.entries(PORT_VARIABLES).map(([key, [name, fallback]]) => [key, readInteger(env, name, fallback, 1, 65535)]),
  ) as Record<PortName, number>;
  const taken = new Map<number, string>();
  for (const [key, port] of Object.entries(ports)) {
    if (key === 'storefront' || key === 'alerts' || key === 'shopMetricsBase') continue; // not ours to bind
    const other = taken.get(port);
    if (other) throw new StackError('SHOPSCOPE_ERR_BAD_SETTING', `port ${port} is given to both ${other} and ${key}`);
    taken.set(port, key);
  }
  return Object.freeze({
    repoRoot,
    cacheDir: resolve(env.SHOPSCOPE_CACHE_DIR || join(env.HOME || homedir(), '.cache', 'shopscope')),
    dataDir: resolve(env.SHOPSCOPE_STACK_DATA_DIR || join(repoRoot, '.data', 'stack')),
    ports: Object.freeze(ports),
    startTimeoutMs: readInteger(env, 'SHOPSCOPE_STACK_START_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
    stopTimeoutMs: readInteger(env, 'SHOPSCOPE_STACK_STOP_TIMEOUT_MS', 15_000, 100, 600_000),
  });
}

export function logDir(settings: StackSettings): string {
  return join(settings.dataDir, 'logs');
}
