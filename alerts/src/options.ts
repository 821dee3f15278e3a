import { resolve } from 'node:path';
import { AlertsError } from './errors.ts';
import { DEFAULT_STATE_FILE, SHIPPED_POLICY, SHIPPED_RULES_DIR } from './paths.ts';
import { parseDuration } from './rules/duration.ts';

export interface EvaluatorOptions {
  /** Rule files or folders of them (*.yml, *.yaml). */
  rulesDir: string | string[];
  /** Notification policy file (routing, grouping, inhibition, receivers). */
  policy: string;
  prometheusUrl: string;
  /** VictoriaLogs, where `datasource: victorialogs` groups (LogsQL) are evaluated and checked. */
  victoriaLogsUrl?: string;
  /** Slack bot token; without it (and without webhooks) pages go to the log and the API. */
  slackToken?: string;
  slackApiUrl?: string;
  /** Incoming-webhook fallback for receivers that name none. */
  slackWebhookUrl?: string;
  stateFile: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * The Bearer token that changes through the API (silences, reload) must carry. Without one,
   * the API is read-only: nobody can mute paging by reaching the port.
   */
  apiToken?: string;
  /** Host header values accepted besides the bound address and localhost (a name the API is reached by). */
  allowedHosts: string[];
  defaultIntervalMs: number;
  queryTimeoutMs: number;
  ruleConcurrency: number;
  ratePerChannel: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  undeliverableAfterMs: number;
  slackTimeoutMs: number;
  /** The longest wait a Retry-After from Slack or a webhook can impose on a channel. */
  maxRetryAfterMs: number;
  /** How long promtool may take to check the rules before they load unchecked. */
  promtoolTimeoutMs: number;
  /** The one link to a trace (exemplar links in pages), `{traceId}` replaced. */
  traceUrlTemplate: string;
  /** Reload rules and policy when their files change. */
  watch: boolean;
  logLevel: string;
  externalLabels: Record<string, string>;
  /** How PromQL is checked at load: promtool when installed, else asking Prometheus. */
  promqlChecker?: 'promtool' | 'api' | 'none';
}

export type ResolvedOptions = Readonly<Omit<EvaluatorOptions, 'rulesDir'> & { rulesDir: string[] }>;

export const DEFAULTS = {
  rulesDir: SHIPPED_RULES_DIR,
  policy: SHIPPED_POLICY,
  prometheusUrl: 'http://127.0.0.1:9090',
  victoriaLogsUrl: 'http://127.0.0.1:9428',
  stateFile: DEFAULT_STATE_FILE,
  host: '127.0.0.1',
  port: 9094,
  defaultIntervalMs: 60_000,
  queryTimeoutMs: 10_000,
  ruleConcurrency: 4,
  ratePerChannel: 1,
  backoffInitialMs: 1000,
  backoffMaxMs: 60_000,
  undeliverableAfterMs: 10 * 60_000,
  slackTimeoutMs: 10_000,
  maxRetryAfterMs: 5 * 60_000,
  promtoolTimeoutMs: 30_000,
  allowedHosts: [] as string[],
  // Jaeger's query API; a Grafana Explore URL with `{traceId}` works as well (README).
  traceUrlTemplate: 'http://127.0.0.1:16686/api/traces/{traceId}',
  watch: true,
  logLevel: 'info',
} as const;

/**
 * Options from the environment. The evaluator is a server: a bad value refuses the start with
 * one clear line (SHOPSCOPE_ERR_CONFIG_INVALID), never a silent default.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv): Partial<EvaluatorOptions> {
  const out: Partial<EvaluatorOptions> = {};
  const refuse = (message: string): never => {
    throw new AlertsError('SHOPSCOPE_ERR_CONFIG_INVALID', message);
  };
  const str = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
  const num = (name: string, min: number): number | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) refuse(`${name}=${v} is not a number >= ${min}`);
    return n;
  };
  const dur = (name: string, minMs = 0): number | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    let ms: number;
    try {
      ms = parseDuration(v);
    } catch {
      return refuse(`${name}=${v} is not a duration (e.g. 30s, 5m)`);
    }
    if (ms < minMs) refuse(`${name}=${v} is under the minimum of ${minMs} ms`);
    return ms;
  };
  const set = <K extends keyof EvaluatorOptions>(key: K, value: EvaluatorOptions[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('rulesDir', str('ALERTS_RULES')?.split(','));
  set('policy', str('ALERTS_POLICY'));
  set('prometheusUrl', str('PROMETHEUS_URL'));
  set('victoriaLogsUrl', str('VICTORIALOGS_URL'));
  set('slackToken', str('SLACK_BOT_TOKEN'));
  set('slackApiUrl', str('SLACK_API_URL'));
  set('slackWebhookUrl', str('SLACK_WEBHOOK_URL'));
  set('stateFile', str('ALERTS_STATE_FILE'));
  set('host', str('ALERTS_HOST'));
  set('port', num('ALERTS_PORT', 0));
  set('defaultIntervalMs', dur('ALERTS_DEFAULT_INTERVAL', 1000));
  set('queryTimeoutMs', dur('ALERTS_QUERY_TIMEOUT'));
  set('ruleConcurrency', num('ALERTS_RULE_CONCURRENCY', 1));
  set('ratePerChannel', num('ALERTS_SLACK_RATE_PER_CHANNEL', 0.01));
  set('undeliverableAfterMs', dur('ALERTS_UNDELIVERABLE_AFTER'));
  set('traceUrlTemplate', str('ALERTS_TRACE_URL'));
  set('logLevel', str('ALERTS_LOG_LEVEL'));
  set('apiToken', str('SHOPSCOPE_ALERTS_TOKEN'));
  set(
    'allowedHosts',
    str('ALERTS_ALLOWED_HOSTS')
      ?.split(',')
      .map((h) => h.trim())
      .filter(Boolean),
  );
  const watch = str('ALERTS_WATCH');
  if (watch !== undefined) set('watch', watch !== 'false' && watch !== '0');
  return out;
}

/** Defaults filled in, values checked, the result frozen: the one place that may refuse. */
export function resolveOptions(given: Partial<EvaluatorOptions>): ResolvedOptions {
  const o = {
    ...DEFAULTS,
    externalLabels: {},
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  } as EvaluatorOptions;
  const fail = (what: string) => {
    throw new AlertsError('SHOPSCOPE_ERR_CONFIG_INVALID', what);
  };
  for (const key of ['prometheusUrl', 'victoriaLogsUrl', 'slackApiUrl', 'slackWebhookUrl'] as const) {
    const v = o[key];
    if (v !== undefined && !URL.canParse(v)) fail(`${key}: "${v}" is not a URL`);
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) fail(`port: ${o.port} is not a TCP port`);
  if (o.ruleConcurrency < 1) fail('ruleConcurrency must be at least 1');
  if (!(o.ratePerChannel > 0)) fail('ratePerChannel must be above 0');
  if (o.backoffInitialMs <= 0 || o.backoffMaxMs < o.backoffInitialMs) fail('backoffInitialMs must be above 0 and at most backoffMaxMs');
  // A shorter interval would re-run a group in a busy loop; rule files are held to the same floor.
  if (!(o.defaultIntervalMs >= 1000)) fail(`defaultIntervalMs: ${o.defaultIntervalMs} ms is under the 1s minimum`);
  if (!(o.maxRetryAfterMs >= 1000)) fail('maxRetryAfterMs must be at least 1s');
  if (!(o.promtoolTimeoutMs > 0)) fail('promtoolTimeoutMs must be above 0');
  if (o.apiToken !== undefined && o.apiToken.trim() === '') fail('apiToken must not be empty: leave it unset for a read-only API');
  const rulesDir = (Array.isArray(o.rulesDir) ? o.rulesDir : [o.rulesDir]).map((p) => resolve(p));
  return Object.freeze({
    ...o,
    rulesDir,
    policy: resolve(o.policy),
    stateFile: o.stateFile === ':memory:' ? o.stateFile : resolve(o.stateFile),
  });
}
