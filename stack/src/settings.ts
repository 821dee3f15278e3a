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
  jaegerQuery: ['SHOPSCOPE_JAEGER_PORT', 16686],
  jaegerQueryGrpc: ['SHOPSCOPE_JAEGER_GRPC_PORT', 16685],
  jaegerOtlpGrpc: ['SHOPSCOPE_JAEGER_OTLP_GRPC_PORT', 4417],
  jaegerOtlpHttp: ['SHOPSCOPE_JAEGER_OTLP_HTTP_PORT', 4418],
  jaegerHealth: ['SHOPSCOPE_JAEGER_HEALTH_PORT', 13133],
  jaegerMetrics: ['SHOPSCOPE_JAEGER_METRICS_PORT', 14269],
  victoriaLogs: ['SHOPSCOPE_VICTORIALOGS_PORT', 9428],
  prometheus: ['SHOPSCOPE_PROMETHEUS_PORT', 9090],
  storefront: ['SHOPSCOPE_STOREFRONT_PORT', 8080],
  alerts: ['SHOPSCOPE_ALERTS_PORT', 9094],
  shopMetricsBase: ['SHOPSCOPE_SHOP_METRICS_BASE_PORT', 9464],
  kafka: ['SHOPSCOPE_KAFKA_PORT', 9092],
  kafkaController: ['SHOPSCOPE_KAFKA_CONTROLLER_PORT', 9093],
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
  /** `prod` adds the collector's tail sampling; every other profile keeps every trace. */
  readonly profile: StackProfile;
  /** Where the collector sends traces (OTLP gRPC host:port): the bundled Jaeger unless moved. */
  readonly tracesOtlpEndpoint: string;
  /** Where the collector sends logs (an OTLP/HTTP logs URL): the bundled VictoriaLogs unless moved. */
  readonly logsOtlpEndpoint: string;
  /** Whether `up`/`status` without names include Kafka (`SHOPSCOPE_STACK_KAFKA=off` leaves it out). */
  readonly kafka: boolean;
}

export const STACK_PROFILES = ['local', 'dev', 'stage', 'prod'] as const;
export type StackProfile = (typeof STACK_PROFILES)[number];

export type Environment = Readonly<Record<string, string | undefined>>;

function readInteger(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new StackError('SHOPSCOPE_ERR_CONFIG_INVALID', `${name}=${raw} is not a whole number between ${min} and ${max}`);
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
    if (other) throw new StackError('SHOPSCOPE_ERR_CONFIG_INVALID', `port ${port} is given to both ${other} and ${key}`);
    taken.set(port, key);
  }
  // `dev` by default, as for the agent: one SHOPSCOPE_PROFILE means the same on both sides.
  const profile = (env.SHOPSCOPE_PROFILE || 'dev') as StackProfile;
  if (!STACK_PROFILES.includes(profile)) {
    throw new StackError('SHOPSCOPE_ERR_CONFIG_INVALID', `SHOPSCOPE_PROFILE=${profile} is not one of ${STACK_PROFILES.join(', ')}`);
  }
  const logsOtlpEndpoint = env.SHOPSCOPE_LOGS_OTLP_ENDPOINT || `http://127.0.0.1:${ports.victoriaLogs}/insert/opentelemetry/v1/logs`;
  if (!URL.canParse(logsOtlpEndpoint)) {
    throw new StackError(
      'SHOPSCOPE_ERR_CONFIG_INVALID',
      `SHOPSCOPE_LOGS_OTLP_ENDPOINT=${logsOtlpEndpoint} is not a URL (e.g. http://127.0.0.1:3100/otlp/v1/logs)`,
    );
  }
  const kafka = (env.SHOPSCOPE_STACK_KAFKA || 'on').toLowerCase();
  if (kafka !== 'on' && kafka !== 'off') {
    throw new StackError('SHOPSCOPE_ERR_CONFIG_INVALID', `SHOPSCOPE_STACK_KAFKA=${env.SHOPSCOPE_STACK_KAFKA} is not on or off`);
  }
  const tracesOtlpEndpoint = env.SHOPSCOPE_TRACES_OTLP_ENDPOINT || `127.0.0.1:${ports.jaegerOtlpGrpc}`;
  if (!/^[^\s/:]+:\d{1,5}$/.test(tracesOtlpEndpoint)) {
    throw new StackError(
      'SHOPSCOPE_ERR_CONFIG_INVALID',
      `SHOPSCOPE_TRACES_OTLP_ENDPOINT=${tracesOtlpEndpoint} is not host:port for OTLP gRPC (e.g. tempo.internal:4317)`,
    );
  }
  return Object.freeze({
    repoRoot,
    profile,
    tracesOtlpEndpoint,
    logsOtlpEndpoint,
    kafka: kafka === 'on',
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
