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

interface ReceiverTransports { primary: Transport; fallback?: Transport }

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
  let policy: Policy = readPolicyFile(options.policy);
  const metrics = createMetrics();
  const faults = new Faults(metrics, log);
  const store = (hooks.openStore ?? ((path: string) => new StateStore(path)))(options.stateFile);
  const silencer = new Silencer(store, now);
  const promqlChecker = options.promqlChecker ?? (hasPromtool() ? 'promtool' : 'api');
  const logTransport = new LogTransport(log);
  const slack = options.slackToken ? new SlackTransport(options.slackToken, options.slackApiUrl, options.slackTimeoutMs, options.maxRetryAfterMs) : undefined;
  let transports = receiverTransports(policy, options, slack, logTransport);

  // Called only once everything is built (flushes, API requests), after `evaluator` exists.
  const allAlerts = (): Iterable<Alert> => evaluator.alerts();
  const worker = new DeliveryWorker(store, (name) => transports.get(name) ?? { primary: logTransport }, options, metrics, log, now, faults);
  const dispatcher = new Dispatcher({
    store, silencer, policy: () => policy, allAlerts, log, now, faults,
    traceUrl: (alert) => traceUrlFor(alert, options, now),
    onEnqueued: () => worker.nudge(),
    onPage: (alerts) => { for (const a of alerts) metrics.pagesRaised.inc({ alertname: a.labels.alertname ?? '', severity: a.labels.severity ?? '' }); },
  }, () => policy);
  const evaluator: RuleEvaluator = new RuleEvaluator(
    { prometheusUrl: options.prometheusUrl, victoriaLogsUrl: options.victoriaLogsUrl, queryTimeoutMs: options.queryTimeoutMs, ruleConcurrency: options.ruleConcurrency, externalLabels: options.externalLabels },
    store, (alerts) => dispatcher.receive(alerts), metrics, log, now, faults,
  );

  let groups: RuleGroup[] = [];
  let problems: RuleProblem[] = [];
  let policyError: string | undefined;
  const reloadRules = async () => {
    const loaded = await loadRules(options.rulesDir, { defaultIntervalMs: options.defaultIntervalMs, promqlChecker, prometheusUrl: options.prometheusUrl, victoriaLogsUrl: options.victoriaLogsUrl, promtoolTimeoutMs: options.promtoolTimeoutMs });
    const loadedIds = new Set(loaded.groups.map(groupId));
    const badIds = new Set(loaded.problems.map((p) => `${p.file}::${p.group}`));
    // A group that is broken now keeps running in its last good version: an edit never silences it.
    const kept = groups.filter((g) => !loadedIds.has(groupId(g)) && (badIds.has(groupId(g)) || loaded.problems.some((p) => p.file === g.file && p.group === undefined)));
    groups = [...loaded.groups, ...kept];
    problems = loaded.problems;
    metrics.ruleProblems.set(problems.length);
    for (const p of problems) log.error({ event: 'alert.rule_problem', code: p.code, file: p.file, group: p.group, rule: p.rule, line: p.line }, formatProblem(p));
    if (loaded.unchecked.length) log.warn({ event: 'alert.rules_unchecked', languages: loaded.unchecked, reasons: loaded.uncheckedReasons }, `could not check ${loaded.unchecked.join(', ')} expressions: ${loaded.uncheckedReasons.join('; ') || 'their back end is unreachable'}`);
    evaluator.setGroups(groups);
  };
  const reload = async () => {
    try {
      policy = readPolicyFile(options.policy);
      policyError = undefined;
      transports = receiverTransports(policy, options, slack, logTransport);
      dispatcher.rerouteAll();
    } catch (err) {
      policyError = (err as Error).message;
      log.error({ event: 'alert.policy_invalid', err: policyError }, 'policy file invalid: keeping the previous policy');
    }
    await reloadRules();
    return { groups: groups.length, problems: [...problems.map(formatProblem), ...(policyError ? [policyError] : [])] };
  };

  const pruneTimer = startPruning(store, faults, now);

  evaluator.replayStoredAlerts();
  await reloadRules();
  worker.start();

  const api = await startApi({
    alerts: allAlerts,
    mutedBy: (a) => {
      const source = a.state === 'firing' ? inhibitedBy(a, policy.inhibitRules, allAlerts()) : undefined;
      return { silencedBy: silencer.silencedBy(a.labels), ...(source ? { inhibitedBy: source.fingerprint } : {}) };
    },
    silencer, store, metrics, reload, faults,
    rulesStatus: () => ({ groups: evaluator.groupsStatus(), problems: problems.map((p) => ({ ...p, text: formatProblem(p) })), aggregationGroups: dispatcher.list(), ...(policyError ? { policyError } : {}) }),
  }, { host: options.host, port: options.port, token: options.apiToken, allowedHosts: options.allowedHosts });
  const server: Server = api.server;
  log.info({ event: 'alert.started', url: api.url, groups: groups.length, problems: problems.length, slack: Boolean(slack), apiChanges: options.apiToken ? 'token' : 'off' }, `alert evaluator listening on ${api.url}`);
  if (!options.apiToken) log.warn({ event: 'alert.api_read_only' }, 'SHOPSCOPE_ALERTS_TOKEN is not set: the API refuses silences and reloads (SIGHUP still reloads)');

  const watching = options.watch ? watchForChanges([...options.rulesDir, options.policy], reload, log) : undefined;

  return {
    url: api.url, options, metrics, store, reload,
    flushGroups: () => dispatcher.flushAll(),
    async stop() {
      clearInterval(pruneTimer);
      watching?.close();
      await evaluator.stop();
      await dispatcher.stop();
      await worker.stop();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      store.close();
    },
  };
}

/** Each receiver's way out: Slack (a webhook as its fallback), else a webhook, else the log. */
function receiverTransports(policy: Policy, options: ResolvedOptions, slack: Transport | undefined, logTransport: Transport): Map<string, ReceiverTransports> {
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
  const prune = () => { try { store.prune(now() - HISTORY_RETENTION_MS); faults.recovered('prune'); } catch (err) { faults.report('prune', err); } };
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
    reloadTimer = setTimeout(() => { reload().catch((err) => log.error({ err }, 'reload failed')); }, 300);
  };
  for (const path of paths) {
    try {
      // A watched folder that is removed reports an error: logged, never a crash.
      watchers.push(watch(path, onChange).on('error', (err) => log.warn({ path, err }, 'stopped watching for changes')));
    } catch { log.warn({ path }, 'cannot watch for changes'); }
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
  const matchers = Object.entries(alert.seriesLabels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',');
  const t = now();
  const exemplar = await latestExemplar(options.prometheusUrl, `${metric}{${matchers}}`, new Date(t - 15 * 60_000), new Date(t), 3000);
  return exemplar ? options.traceUrlTemplate.replaceAll('{traceId}', encodeURIComponent(exemplar.traceId)) : undefined;
}
