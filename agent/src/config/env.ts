import { z } from 'zod';
import { logLevels, profileNames, profiles, type LogLevel, type ProfileName } from './profiles.ts';

// The one place the environment is read. Every variable is parsed by its own schema; a bad value
// becomes a problem line naming the variable and switches that feature off (or, where "off"
// makes no sense, keeps the default), never an exception. The result is frozen: nothing reads
// process.env after start.

export const samplerNames = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type SamplerName = (typeof samplerNames)[number];

export interface ExperimentDeclaration {
  name: string;
  variants: readonly string[];
}

export interface AgentConfig {
  disabled: boolean;
  serviceName: string;
  profile: ProfileName;
  environment: string;
  resourceAttributes: Readonly<Record<string, string>>;
  traces: {
    enabled: boolean;
    exportEnabled: boolean;
    endpoint: string;
    headers: Readonly<Record<string, string>>;
    sampler: SamplerName;
    samplerRatio: number;
  };
  logs: {
    level: LogLevel;
    pretty: boolean;
    exportEnabled: boolean;
    endpoint: string;
    headers: Readonly<Record<string, string>>;
    accessLog: boolean;
    slowMs: number;
  };
  metrics: { enabled: boolean; host: string; port: number; maxLabelSets: number };
  redactPaths: readonly string[];
  /**
   * Inbound requests adopt the caller's trace context (true), or start their own trace and only
   * link the caller's (false: a service at the edge, SHOPSCOPE_TRUST_INBOUND_TRACE=false).
   */
  trustInboundTrace: boolean;
  /**
   * At the edge, requests a browser marks as sent by the service's own pages
   * (`Sec-Fetch-Site: same-origin`) adopt the caller's trace context
   * (SHOPSCOPE_TRUST_INBOUND_TRACE=same-origin); every other request is treated as at the edge.
   */
  trustSameOriginTrace: boolean;
  /** At the edge, the inbound baggage keys kept (`name`, or `prefix*`); all others are dropped. */
  baggageAllowlist: readonly string[];
  experiments: readonly ExperimentDeclaration[];
  exportQueueSize: number;
  /** OTLP request bodies gzip-compressed (off the event loop, in the thread pool) or sent as they are. */
  exportCompression: 'gzip' | 'none';
  shutdownTimeoutMs: number;
  /** Separate backend calls from one GraphQL field path in one operation that flag it as N+1 (≥ 2). */
  graphqlNPlusOneThreshold: number;
}

export interface LoadedConfig {
  config: Readonly<AgentConfig>;
  problems: readonly string[];
}

type Env = Record<string, string | undefined>;

const onOff = z.enum(['on', 'off']);
const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const ratio = z.coerce.number().min(0).max(1);
const nameToken = /^[a-z][a-z0-9_]{0,39}$/;
const variantToken = /^[A-Za-z0-9_.-]{1,40}$/;

const experimentsSchema = z.string().transform((raw, ctx): ExperimentDeclaration[] => {
  const declared: ExperimentDeclaration[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [name, variantList] = part.split('=');
    const variants = (variantList ?? '')
      .split('|')
      .map((v) => v.trim())
      .filter(Boolean);
    if (!name || !nameToken.test(name) || variants.length === 0 || !variants.every((v) => variantToken.test(v))) {
      ctx.addIssue({ code: 'custom', message: `expected name=variantA|variantB[,…] with name matching ${nameToken}, got "${part}"` });
      return z.NEVER;
    }
    declared.push({ name, variants: Object.freeze(variants) });
  }
  return declared;
});

const resourceAttributesSchema = z.string().transform((raw, ctx) => {
  const out: Record<string, string> = {};
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      ctx.addIssue({ code: 'custom', message: `expected key=value pairs, got "${pair}"` });
      return z.NEVER;
    }
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      ctx.addIssue({ code: 'custom', message: `bad percent-encoding in "${pair}"` });
      return z.NEVER;
    }
  }
  return out;
});

// OTEL_EXPORTER_OTLP_*HEADERS: `name=value,…` with percent-encoded values (the spec's format).
// Names must be HTTP tokens, values printable; the headers the exporter sets itself are refused.
const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerValue = /^[\t\x20-\x7e\x80-\xff]*$/;
const exporterOwnHeaders = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding', 'host', 'connection']);
// Values may be credentials: problems name the header, never show a value.
const headersSchema = z.string().transform((raw, ctx) => {
  const out: Record<string, string> = {};
  const pairs = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const [index, pair] of pairs.entries()) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq).trim().toLowerCase() : '';
    const fail = (message: string): never => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (!headerName.test(name)) return fail(`pair ${index + 1} is not name=value with an HTTP header name`);
    if (exporterOwnHeaders.has(name)) return fail(`${name} is set by the exporter itself`);
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      return fail(`the value of ${name} has bad percent-encoding`);
    }
    if (!headerValue.test(value)) return fail(`the value of ${name} has a line break or a character not allowed in a header`);
    out[name] = value;
  }
  return out;
});

const endpointSchema = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'expected an http(s) URL');
const redactSchema = z.string().transform((raw) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
// W3C baggage keys are HTTP tokens; a trailing `*` keeps every key with that prefix.
const baggageKey = /^[!#$%&'+\-.^_`|~0-9A-Za-z]+\*?$|^\*$/;
const allowlistSchema = z.string().transform((raw, ctx) => {
  const keys = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = keys.find((key) => !baggageKey.test(key));
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `"${bad.slice(0, 40)}" is not a baggage key (an HTTP token, optionally ending in *)` });
    return z.NEVER;
  }
  return keys;
});

export function loadConfig(env: Env = process.env): LoadedConfig {
  const problems: string[] = [];

  function read<T>(name: string, schema: z.ZodType<T>, fallback: T, consequence: string, secret = false): { value: T; ok: boolean } {
    const raw = env[name];
    if (raw === undefined || raw === '') return { value: fallback, ok: true };
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { value: parsed.data, ok: true };
    const reason = parsed.error.issues[0]?.message ?? 'invalid value';
    problems.push(`${secret ? `${name} (value not shown)` : `${name}="${raw.slice(0, 80)}"`} is not valid (${reason}); ${consequence}`);
    return { value: fallback, ok: false };
  }

  const profileRead = read('SHOPSCOPE_PROFILE', z.enum(profileNames), 'dev', 'using profile "dev"');
  const profile = profileRead.value;
  const defaults = profiles[profile];

  const resource = read('OTEL_RESOURCE_ATTRIBUTES', resourceAttributesSchema, {}, 'resource attributes ignored');
  const environment = resource.value['deployment.environment.name'] ?? resource.value['deployment.environment'] ?? profile;

  const baseEndpoint = read('OTEL_EXPORTER_OTLP_ENDPOINT', endpointSchema, 'http://127.0.0.1:4318', 'OTLP export off');
  const protocol = read(
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    z.literal('http/protobuf'),
    'http/protobuf',
    'OTLP export off (only http/protobuf is supported)',
  );
  const exportPossible = baseEndpoint.ok && protocol.ok;
  const base = baseEndpoint.value.replace(/\/+$/, '');
  const tracesEndpoint = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', endpointSchema, `${base}/v1/traces`, 'trace export off');
  const logsEndpoint = read('OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', endpointSchema, `${base}/v1/logs`, 'log export off');
  const headers = read('OTEL_EXPORTER_OTLP_HEADERS', headersSchema, {}, 'OTLP export off (it would go out without the headers)', true);
  const tracesHeaders = read(
    'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
    headersSchema,
    {},
    'trace export off (it would go out without the headers)',
    true,
  );
  const logsHeaders = read(
    'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
    headersSchema,
    {},
    'log export off (it would go out without the headers)',
    true,
  );
  const tracesExporter = read('OTEL_TRACES_EXPORTER', z.enum(['otlp', 'none']), 'otlp', 'trace export off');
  const logsExporter = read('OTEL_LOGS_EXPORTER', z.enum(['otlp', 'none']), 'otlp', 'log export off');

  const sampler = read('OTEL_TRACES_SAMPLER', z.enum(samplerNames), 'parentbased_traceidratio', 'trace export off');
  const samplerArg = read('OTEL_TRACES_SAMPLER_ARG', ratio, defaults.sampleRatio, 'trace export off');

  const level = read('SHOPSCOPE_LOG_LEVEL', z.enum(logLevels), defaults.logLevel, `using the profile's level "${defaults.logLevel}"`);
  const accessLog = read('SHOPSCOPE_ACCESS_LOG', onOff, 'on', 'access log off');
  const slowMs = read('SHOPSCOPE_SLOW_MS', positiveInt, 500, 'slow flag off');
  const metricsSwitch = read('SHOPSCOPE_METRICS', onOff, 'on', 'metrics off');
  const metricsPort = read('SHOPSCOPE_METRICS_PORT', port, 9464, 'metrics endpoint off');
  const metricsHost = read('SHOPSCOPE_METRICS_HOST', z.string().regex(/^[0-9a-zA-Z.:-]+$/), '127.0.0.1', 'metrics endpoint off');
  const maxLabelSets = read('SHOPSCOPE_MAX_LABEL_SETS', positiveInt, 500, 'using 500');
  const redact = read('SHOPSCOPE_REDACT', redactSchema, [], 'only the default redaction applies');
  const trustInbound = read(
    'SHOPSCOPE_TRUST_INBOUND_TRACE',
    z.enum(['true', 'false', 'same-origin']),
    'true',
    'inbound trace context is trusted (the default)',
  );
  const baggageAllowlist = read('SHOPSCOPE_BAGGAGE_ALLOWLIST', allowlistSchema, [], 'no inbound baggage is kept at the edge (the default)');
  const experiments = read('SHOPSCOPE_EXPERIMENTS', experimentsSchema, [], 'no experiment is attached to telemetry');
  const queue = read('SHOPSCOPE_EXPORT_QUEUE', positiveInt, 2048, 'using 2048');
  const compression = read('OTEL_EXPORTER_OTLP_COMPRESSION', z.enum(['gzip', 'none']), 'none', 'sending uncompressed');
  const shutdown = read('SHOPSCOPE_SHUTDOWN_TIMEOUT_MS', positiveInt, 2000, 'using 2000');
  const nPlusOne = read('SHOPSCOPE_GRAPHQL_N_PLUS_ONE_THRESHOLD', z.coerce.number().int().min(2).max(10_000), 3, 'using 3');
  const disabled = read('OTEL_SDK_DISABLED', z.enum(['true', 'false']), 'false', 'agent stays enabled');

  const config: AgentConfig = {
    disabled: disabled.value === 'true',
    serviceName: env.OTEL_SERVICE_NAME || resource.value['service.name'] || 'unknown_service:node',
    profile,
    environment,
    resourceAttributes: Object.freeze(resource.value),
    traces: Object.freeze({
      enabled: true,
      exportEnabled:
        exportPossible &&
        headers.ok &&
        tracesHeaders.ok &&
        tracesEndpoint.ok &&
        tracesExporter.ok &&
        tracesExporter.value === 'otlp' &&
        sampler.ok &&
        samplerArg.ok,
      endpoint: tracesEndpoint.value,
      headers: Object.freeze({ ...headers.value, ...tracesHeaders.value }),
      sampler: sampler.value,
      samplerRatio: samplerArg.value,
    }),
    logs: Object.freeze({
      level: level.value,
      pretty: defaults.prettyLogs,
      exportEnabled: exportPossible && headers.ok && logsHeaders.ok && logsEndpoint.ok && logsExporter.ok && logsExporter.value === 'otlp',
      endpoint: logsEndpoint.value,
      headers: Object.freeze({ ...headers.value, ...logsHeaders.value }),
      accessLog: accessLog.ok && accessLog.value === 'on',
      slowMs: slowMs.ok ? slowMs.value : Number.POSITIVE_INFINITY,
    }),
    metrics: Object.freeze({
      enabled: metricsSwitch.ok && metricsSwitch.value === 'on',
      host: metricsHost.value,
      port: metricsPort.ok && metricsHost.ok ? metricsPort.value : -1,
      maxLabelSets: maxLabelSets.value,
    }),
    redactPaths: Object.freeze(redact.value),
    trustInboundTrace: trustInbound.value === 'true',
    trustSameOriginTrace: trustInbound.value === 'same-origin',
    baggageAllowlist: Object.freeze(baggageAllowlist.value),
    experiments: Object.freeze(experiments.value),
    exportQueueSize: queue.value,
    exportCompression: compression.value,
    shutdownTimeoutMs: shutdown.value,
    graphqlNPlusOneThreshold: nPlusOne.value,
  };
  return { config: Object.freeze(config), problems: Object.freeze(problems) };
}
