import { watch, type FSWatcher } from 'node:fs';
import type { Server } from 'node:http';
import { pino, type Logger } from 'pino';
import { startApi } from './http/server.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { resolveOptions, type EvaluatorOptions, type ResolvedOptions } from './options.ts';
import type { Alert } from './pipeline/alert.ts';
import { DeliveryWorker } from './pipeline/deliver.ts';
import { RuleEvaluator, groupId } from './pipeline/evaluate.ts';
import { Dispatcher } from './pipeline/group.ts';
import { inhibitedBy } from './pipeline/inhibit.ts';
import { Silencer } from './pipeline/silence.ts';
import { readPolicyFile, type Policy } from './policy/policy.ts';
import { latestExemplar } from './query/instant-query.ts';
import { LogTransport } from './receivers/log/log-transport.ts';
import { SlackTransport } from './receivers/slack/slack-transport.ts';
import type { Transport } from './receivers/transport.ts';
import { WebhookTransport } from './receivers/webhook/webhook-transport.ts';
import { loadRules } from './rules/load.ts';
import { hasPromtool } from './rules/promql-check.ts';
import { formatProblem, type RuleGroup, type RuleProblem } from './rules/types.ts';
import { Faults } from './state/faults.ts';
import { StateStore } from './state/store.ts';

export interface Evaluator {
  url: string;
  options: ResolvedOptions;
  metrics: Metrics;
  store: StateStore;
  /** Reloads rules and policy; bad files are reported and the previous version stays in force. */
  reload(): Promise<{ groups: number; problems: string[] }>;
  /** Flushes every alert group now instead of waiting for its timer (tests, shutdown). */
  flushGroups(): Promise<void>;
  stop(): Promise<void>;
}

const HISTORY_RETENTION_MS = 7 * 24 * 3_600_000;

interface ReceiverTransports {
  primary: Transport;
  fallback?: Transport;
}

export interface StartHooks {
  logger?: Logger;
  now?: () => number;
  /** Opens the state database (tests put a failing one in its place). */
  openStore?: (path: string) => StateStore;
}

/** Wires the pipeline: evaluate → group → inhibit/silence → dedup → record → deliver. */
export async function startEvaluator(given: Partial<EvaluatorOptions>, hooks: StartHooks = {}): Promise<Evaluator> {
  const options = resolveOptions(given);
  const now = hooks.now ?? Date.now;
  const log = hooks.logger ?? pino({ name: 'shopscope-alerts', level: options.logLevel });
  const config: LoadedConfig = { policy: readPolicyFile(options.policy), transports: new Map(), groups: [], problems: [] };
  const metrics = createMetrics();
  const faults = new Faults(metrics, log);
  const store = (hooks.openStore ?? ((path: string) => new StateStore(path)))(options.stateFile);
  const silencer = new Silencer(store, now);
  const outputs: Outputs = {
    logTransport: new LogTransport(log),
    slack: options.slackToken
      ? new SlackTransport(options.slackToken, options.slackApiUrl, options.slackTimeoutMs, options.maxRetryAfterMs)
      : undefined,
  };
  config.transports = receiverTransports(config.policy, options, outputs.slack, outputs.logTransport);
  const { worker, dispatcher, evaluator } = buildPipeline({ options, config, outputs, store, silencer, metrics, faults, log, now });
  const loader: Loader = {
    options,
    promqlChecker: options.promqlChecker ?? (hasPromtool() ? 'promtool' : 'api'),
    outputs,
    log,
    metrics,
    dispatcher,
    evaluator,
  };
  const reload = () => reloadAll(config, loader);

  const pruneTimer = startPruning(store, faults, now);

  evaluator.replayStoredAlerts();
  await reloadRules(config, loader);
  worker.start();

  const api = await serveApi({ options, config, silencer, store, metrics, faults, dispatcher, evaluator, reload });
  const server: Server = api.server;
  log.info(
    {
      event: 'alert.started',
      url: api.url,
      groups: config.groups.length,
      problems: config.problems.length,
      slack: Boolean(outputs.slack),
      apiChanges: options.apiToken ? 'token' : 'off',
    },
    `alert evaluator listening on ${api.url}`,
  );
  if (!options.apiToken)
    log.warn(
      { event: 'alert.api_read_only' },
      'SHOPSCOPE_ALERTS_TOKEN is not set: the API refuses silences and reloads (SIGHUP still reloads)',
    );

  const watching = options.watch ? watchForChanges([...options.rulesDir, options.policy], reload, log) : undefined;

  return {
    url: api.url,
    options,
    metrics,
    store,
    reload,
    flushGroups: () => dispatcher.flushAll(),
    async stop() {
      clearInterval(pruneTimer);
      watching?.close();
      await evaluator.stop();
      await dispatcher.stop();
      await worker.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}

/** The ways out a receiver may take: Slack when a token is set, and the log. */
interface Outputs {
  slack?: Transport;
  logTransport: Transport;
}

/** What a reload replaces: the policy and each receiver's transports, the rule groups and their problems. */
interface LoadedConfig {
  policy: Policy;
  transports: Map<string, ReceiverTransports>;
  groups: RuleGroup[];
  problems: RuleProblem[];
  /** Why the policy file last failed to load; the previous policy stays in force. */
  policyError?: string;
}

/** What loading rules and policy needs, and the parts that take the result. */
interface Loader {
  options: ResolvedOptions;
  promqlChecker: NonNullable<EvaluatorOptions['promqlChecker']>;
  outputs: Outputs;
  log: Logger;
  metrics: Metrics;
  dispatcher: Dispatcher;
  evaluator: RuleEvaluator;
}

interface PipelineParts {
  options: ResolvedOptions;
  config: LoadedConfig;
  outputs: Outputs;
  store: StateStore;
  silencer: Silencer;
  metrics: Metrics;
  faults: Faults;
  log: Logger;
  now: () => number;
}

/** evaluate → group → inhibit/silence → dedup → record → deliver; each part reads the policy in force through `config`. */
function buildPipeline({ options, config, outputs, store, silencer, metrics, faults, log, now }: PipelineParts) {
  // Called only once everything is built (flushes, API requests), after `evaluator` exists.
  const allAlerts = (): Iterable<Alert> => evaluator.alerts();
  const worker = new DeliveryWorker(
    store,
    (name) => config.transports.get(name) ?? { primary: outputs.logTransport },
    options,
    metrics,
    log,
    now,
    faults,
  );
  const dispatcher = new Dispatcher(
    {
      store,
      silencer,
      policy: () => config.policy,
      allAlerts,
      log,
      now,
      faults,
      traceUrl: (alert) => traceUrlFor(alert, options, now),
      onEnqueued: () => worker.nudge(),
      onPage: (alerts) => {
        for (const a of alerts) metrics.pagesRaised.inc({ alertname: a.labels.alertname ?? '', severity: a.labels.severity ?? '' });
      },
    },
    () => config.policy,
  );
  const evaluator: RuleEvaluator = new RuleEvaluator(
    {
      prometheusUrl: options.prometheusUrl,
      victoriaLogsUrl: options.victoriaLogsUrl,
      queryTimeoutMs: options.queryTimeoutMs,
      ruleConcurrency: options.ruleConcurrency,
      externalLabels: options.externalLabels,
    },
    store,
    (alerts) => dispatcher.receive(alerts),
    metrics,
    log,
    now,
    faults,
  );
  return { worker, dispatcher, evaluator };
}

interface ApiParts {
  options: ResolvedOptions;
  config: LoadedConfig;
  silencer: Silencer;
  store: StateStore;
  metrics: Metrics;
  faults: Faults;
  dispatcher: Dispatcher;
  evaluator: RuleEvaluator;
  reload: () => Promise<unknown>;
}

/** The evaluator's HTTP API: alerts, silences, rules' status, reload, metrics. */
function serveApi({
  options,
  config,
  silencer,
  store,
  metrics,
  faults,
  dispatcher,
  evaluator,
  reload,
}: ApiParts): Promise<{ server: Server; url: string }> {
  const allAlerts = (): Iterable<Alert> => evaluator.alerts();
  return startApi(
    {
      alerts: allAlerts,
      mutedBy: (a) => {
        const source = a.state === 'firing' ? inhibitedBy(a, config.policy.inhibitRules, allAlerts()) : undefined;
        return { silencedBy: silencer.silencedBy(a.labels), ...(source ? { inhibitedBy: source.fingerprint } : {}) };
      },
      silencer,
      store,
      metrics,
      reload,
      faults,
      rulesStatus: () => ({
        groups: evaluator.groupsStatus(),
        problems: config.problems.map((p) => ({ ...p, text: formatProblem(p) })),
        aggregationGroups: dispatcher.list(),
        ...(config.policyError ? { policyError: config.policyError } : {}),
      }),
    },
    { host: options.host, port: options.port, token: options.apiToken, allowedHosts: options.allowedHosts },
  );
}

/** Reloads policy and rules (SIGHUP, the API, a changed file); what fails to load keeps its previous version. */
async function reloadAll(config: LoadedConfig, loader: Loader): Promise<{ groups: number; problems: string[] }> {
  reloadPolicy(config, loader);
  await reloadRules(config, loader);
  return {
    groups: config.groups.length,
    problems: [...config.problems.map(formatProblem), ...(config.policyError ? [config.policyError] : [])],
  };
}

/** Reads the policy file again and reroutes every aggregation group; a bad file keeps the previous policy. */
function reloadPolicy(config: LoadedConfig, { options, outputs, log, dispatcher }: Loader): void {
  try {
    config.policy = readPolicyFile(options.policy);
    config.policyError = undefined;
    config.transports = receiverTransports(config.policy, options, outputs.slack, outputs.logTransport);
    dispatcher.rerouteAll();
  } catch (err) {
    config.policyError = (err as Error).message;
    log.error({ event: 'alert.policy_invalid', err: config.policyError }, 'policy file invalid: keeping the previous policy');
  }
}

/** Loads the rule files and hands the groups to the evaluator; a group broken now keeps its last good version. */
async function reloadRules(config: LoadedConfig, { options, promqlChecker, log, metrics, evaluator }: Loader): Promise<void> {
  const loaded = await loadRules(options.rulesDir, {
    defaultIntervalMs: options.defaultIntervalMs,
    promqlChecker,
    prometheusUrl: options.prometheusUrl,
    victoriaLogsUrl: options.victoriaLogsUrl,
    promtoolTimeoutMs: options.promtoolTimeoutMs,
  });
  const loadedIds = new Set(loaded.groups.map(groupId));
  const badIds = new Set(loaded.problems.map((p) => `${p.file}::${p.group}`));
  // A group that is broken now keeps running in its last good version: an edit never silences it.
  const kept = config.groups.filter(
    (g) =>
      !loadedIds.has(groupId(g)) && (badIds.has(groupId(g)) || loaded.problems.some((p) => p.file === g.file && p.group === undefined)),
  );
  config.groups = [...loaded.groups, ...kept];
  config.problems = loaded.problems;
  metrics.ruleProblems.set(config.problems.length);
  for (const p of config.problems)
    log.error({ event: 'alert.rule_problem', code: p.code, file: p.file, group: p.group, rule: p.rule, line: p.line }, formatProblem(p));
  if (loaded.unchecked.length)
    log.warn(
      { event: 'alert.rules_unchecked', languages: loaded.unchecked, reasons: loaded.uncheckedReasons },
      `could not check ${loaded.unchecked.join(', ')} expressions: ${loaded.uncheckedReasons.join('; ') || 'their back end is unreachable'}`,
    );
  evaluator.setGroups(config.groups);
}

/** Each receiver's way out: Slack (a webhook as its fallback), else a webhook, else the log. */
function receiverTransports(
  policy: Policy,
  options: ResolvedOptions,
  slack: Transport | undefined,
  logTransport: Transport,
): Map<string, ReceiverTransports> {
  const transports = new Map<string, ReceiverTransports>();
  for (const r of policy.receivers.values()) {
    const webhookUrl = r.webhookUrl ?? options.slackWebhookUrl;
    const webhook = webhookUrl ? new WebhookTransport(webhookUrl, options.slackTimeoutMs, options.maxRetryAfterMs) : undefined;
    if (slack && r.slackChannel) transports.set(r.name, { primary: slack, ...(webhook ? { fallback: webhook } : {}) });
    else if (webhook) transports.set(r.name, { primary: webhook });
    else transports.set(r.name, { primary: logTransport });
  }
  return transports;
}

/** Finished messages, closed threads and expired silences are kept a week for the API, then forgotten. */
function startPruning(store: StateStore, faults: Faults, now: () => number): NodeJS.Timeout {
  const prune = () => {
    try {
      store.prune(now() - HISTORY_RETENTION_MS);
      faults.recovered('prune');
    } catch (err) {
      faults.report('prune', err);
    }
  };
  prune();
  const timer = setInterval(prune, 3_600_000);
  timer.unref();
  return timer;
}

/** Reloads when a rule file or the policy changes, debounced; `close` also drops a reload still waiting. */
function watchForChanges(paths: readonly string[], reload: () => Promise<unknown>, log: Logger): { close: () => void } {
  const watchers: FSWatcher[] = [];
  let reloadTimer: NodeJS.Timeout | undefined;
  const onChange = () => {
    if (reloadTimer) clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => {
      reload().catch((err) => log.error({ err }, 'reload failed'));
    }, 300);
  };
  for (const path of paths) {
    try {
      // A watched folder that is removed reports an error: logged, never a crash.
      watchers.push(watch(path, onChange).on('error', (err) => log.warn({ path, err }, 'stopped watching for changes')));
    } catch {
      log.warn({ path }, 'cannot watch for changes');
    }
  }
  return {
    close() {
      for (const w of watchers) w.close();
      // a reload still waiting for its debounce would run against a closed store
      if (reloadTimer) clearTimeout(reloadTimer);
    },
  };
}

/** The one place a trace link is made: every link is `traceUrlTemplate` with the exemplar's trace id. */
async function traceUrlFor(alert: Alert, options: ResolvedOptions, now: () => number): Promise<string | undefined> {
  const metric = alert.annotations.exemplar_metric;
  if (!metric || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) return undefined;
  const matchers = Object.entries(alert.seriesLabels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',');
  const t = now();
  const exemplar = await latestExemplar(options.prometheusUrl, `${metric}{${matchers}}`, new Date(t - 15 * 60_000), new Date(t), 3000);
  return exemplar ? options.traceUrlTemplate.replaceAll('{traceId}', encodeURIComponent(exemplar.traceId)) : undefined;
}
