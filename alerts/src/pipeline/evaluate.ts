import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { instantQuery, type Sample } from '../query/instant-query.ts';
import type { AlertRule, RuleGroup } from '../rules/types.ts';
import { Faults } from '../state/faults.ts';
import { isStoreError, type StateStore } from '../state/store.ts';
import type { Alert } from './alert.ts';
import { advanceRule, type Transition } from './alert-state.ts';

export interface EvaluateOptions {
  prometheusUrl: string;
  /** Where `datasource: victorialogs` groups are queried. */
  victoriaLogsUrl?: string;
  queryTimeoutMs: number;
  /** Rules of one group queried at once; they are independent (alerting rules only). */
  ruleConcurrency: number;
  externalLabels: Readonly<Record<string, string>>;
}

interface Runner {
  group: RuleGroup;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  lastDurationMs: number;
  lastEvaluatedAt: number;
  lastError?: string;
}

export function groupId(g: RuleGroup): string {
  return `${g.file}::${g.name}`;
}

/** The shortest interval a group is run at (rule files are held to it too): never a busy loop. */
export const MIN_INTERVAL_MS = 1000;

/**
 * The evaluate stage: every group on its own interval, its rules queried at one timestamp,
 * each result folded into the alert states (alert-state.ts). States are saved before they
 * are handed on, so a restart resumes where it stopped. A failed query changes nothing:
 * an alert neither fires nor resolves because a back end was unreachable.
 */
export class RuleEvaluator {
  private readonly active = new Map<string, Map<string, Alert>>();
  private readonly runners = new Map<string, Runner>();
  private readonly failingRules = new Set<string>();
  /** Rule keys whose alert states could not be saved (state database down): saved with the next evaluation. */
  private readonly unsaved = new Set<string>();
  private stopped = false;

  constructor(
    private readonly options: EvaluateOptions,
    private readonly store: StateStore,
    private readonly onAlerts: (alerts: Alert[], transitions: Transition[]) => void,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly faults: Faults = new Faults(metrics, log),
  ) {
    for (const [ruleKey, alerts] of store.loadAlerts()) this.active.set(ruleKey, new Map(alerts.map((a) => [a.fingerprint, a])));
  }

  /** Installs a new set of groups: unchanged groups keep their timers, alerts follow their rule key. */
  setGroups(groups: readonly RuleGroup[]): void {
    const wanted = new Map(groups.map((g) => [groupId(g), g]));
    for (const [id, runner] of this.runners) {
      if (!wanted.has(id)) {
        if (runner.timer) clearTimeout(runner.timer);
        this.runners.delete(id);
      }
    }
    const ruleKeys = new Set(groups.flatMap((g) => g.rules.filter((r) => r.kind === 'alert').map((r) => r.key)));
    const orphaned: Alert[] = [];
    for (const [key, alerts] of this.active) {
      if (ruleKeys.has(key)) continue;
      // The rule is gone: its firing alerts resolve, so their messages do not stay red.
      for (const a of alerts.values()) if (a.state === 'firing') orphaned.push({ ...a, state: 'resolved', resolvedAt: this.now() });
      this.active.delete(key);
    }
    try {
      this.store.transaction(() => this.store.deleteAlertsExcept(ruleKeys));
    } catch (err) {
      // Rows of removed rules stay until the next reload; they are never read back into a running rule.
      if (!isStoreError(err)) throw err;
      this.faults.report('evaluate', err);
    }
    if (orphaned.length)
      this.onAlerts(
        orphaned,
        orphaned.map((a) => ({ alert: a, from: 'firing', to: 'resolved' })),
      );
    for (const [id, group] of wanted) {
      const existing = this.runners.get(id);
      if (existing) {
        const changedInterval = existing.group.intervalMs !== group.intervalMs;
        existing.group = group;
        if (changedInterval) this.scheduleRunner(existing, 0);
        continue;
      }
      const runner: Runner = { group, timer: undefined, running: undefined, lastDurationMs: 0, lastEvaluatedAt: 0 };
      this.runners.set(id, runner);
      this.scheduleRunner(runner, 0);
    }
  }

  /** Hands every firing and recently resolved alert on, once, after a (re)start. */
  replayStoredAlerts(): void {
    const all = [...this.alerts()].filter((a) => a.state !== 'pending');
    if (all.length) this.onAlerts(all, []);
  }

  *alerts(): Iterable<Alert> {
    for (const map of this.active.values()) yield* map.values();
  }

  groupsStatus(): Array<{
    file: string;
    name: string;
    intervalMs: number;
    rules: number;
    lastEvaluatedAt: number;
    lastDurationMs: number;
    lastError?: string;
  }> {
    return [...this.runners.values()].map((r) => ({
      file: r.group.file,
      name: r.group.name,
      intervalMs: r.group.intervalMs,
      rules: r.group.rules.length,
      lastEvaluatedAt: r.lastEvaluatedAt,
      lastDurationMs: r.lastDurationMs,
      ...(r.lastError ? { lastError: r.lastError } : {}),
    }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const r of this.runners.values()) if (r.timer) clearTimeout(r.timer);
    await Promise.allSettled([...this.runners.values()].map((r) => r.running));
  }

  private scheduleRunner(runner: Runner, delayMs: number): void {
    if (this.stopped) return;
    if (runner.timer) clearTimeout(runner.timer);
    runner.timer = setTimeout(() => {
      const started = this.now();
      if (runner.running) {
        this.metrics.missedIterations.inc({ group: runner.group.name });
      } else {
        runner.running = this.evaluateGroup(runner.group, started)
          .then(() => {
            runner.lastError = undefined;
          })
          .catch((err: Error) => {
            runner.lastError = err.message;
            this.log.error({ event: 'alert.group_failed', group: runner.group.name, err }, 'group evaluation failed');
          })
          .finally(() => {
            runner.running = undefined;
            runner.lastDurationMs = this.now() - started;
            runner.lastEvaluatedAt = started;
          });
      }
      const interval = Math.max(MIN_INTERVAL_MS, runner.group.intervalMs);
      this.scheduleRunner(runner, interval - ((this.now() - started) % interval));
    }, delayMs);
    runner.timer.unref?.();
  }

  /** Evaluates every alerting rule of a group once, at `at`. Exposed for tests and the benchmark. */
  async evaluateGroup(group: RuleGroup, at: number): Promise<void> {
    const end = this.metrics.groupEvaluationSeconds.startTimer({ group: group.name });
    const rules = group.rules.filter((r): r is AlertRule => r.kind === 'alert');
    const results = new Map<string, Sample[] | Error>();
    let next = 0;
    const worker = async () => {
      while (next < rules.length) {
        const rule = rules[next++] as AlertRule;
        results.set(rule.key, await this.query(group, rule, at).catch((err: Error) => err));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.ruleConcurrency, rules.length) }, worker));
    const changed: Alert[] = [];
    const transitions: Transition[] = [];
    const toSave: Array<[string, Map<string, Alert>]> = [];
    for (const rule of rules) {
      const result = results.get(rule.key);
      this.metrics.ruleEvaluations.inc({ group: group.name });
      if (result instanceof Error || result === undefined) {
        this.metrics.ruleEvaluationFailures.inc({ group: group.name, rule: rule.name });
        if (!this.failingRules.has(rule.key)) {
          this.failingRules.add(rule.key);
          this.log.warn(
            { event: 'alert.query_failed', group: group.name, rule: rule.name, error: result?.message },
            'rule query failed: its alerts keep their state',
          );
        }
        continue;
      }
      this.failingRules.delete(rule.key);
      const previous = this.active.get(rule.key) ?? new Map<string, Alert>();
      const { alerts, transitions: t } = advanceRule(rule, group.labels, previous, result, at, this.options.externalLabels);
      if (alerts.size > 0 || previous.size > 0) toSave.push([rule.key, alerts]);
      if (alerts.size > 0) this.active.set(rule.key, alerts);
      else this.active.delete(rule.key);
      transitions.push(...t);
      for (const a of alerts.values()) {
        if (a.state === 'firing') changed.push(a);
        else if (a.state === 'resolved' && t.some((x) => x.alert === a)) changed.push(a);
      }
    }
    this.save(toSave.map(([key]) => key));
    this.refreshGauge();
    end();
    for (const t of transitions) {
      if (t.to === 'firing' || t.to === 'resolved')
        this.log.info(
          { event: `alert.${t.to}`, alert: t.alert.labels.alertname, labels: t.alert.labels, value: t.alert.value },
          `${t.alert.labels.alertname} ${t.to}`,
        );
    }
    if (changed.length || transitions.length) this.onAlerts(changed, transitions);
  }

  /**
   * Saves the alert states of these rules (and of any left unsaved before). A failed save is
   * counted, logged and tried again with the next evaluation; the alerts are still handed on,
   * so a full disk does not stop paging by itself.
   */
  private save(keys: readonly string[]): void {
    for (const key of keys) this.unsaved.add(key);
    if (this.unsaved.size === 0) return;
    try {
      this.store.transaction(() => {
        for (const key of this.unsaved) this.store.replaceRuleAlerts(key, this.active.get(key)?.values() ?? []);
      });
      this.unsaved.clear();
      this.faults.recovered('evaluate');
    } catch (err) {
      if (!isStoreError(err)) throw err;
      this.faults.report('evaluate', err);
    }
  }

  private query(group: RuleGroup, rule: AlertRule, at: number): Promise<Sample[]> {
    if (group.datasource === 'victorialogs') {
      if (!this.options.victoriaLogsUrl) return Promise.reject(new Error('no VictoriaLogs URL configured for a LogsQL group'));
      // LogsQL stats queries answer in Prometheus's vector format; `_time:5m` counts back from `time`.
      return instantQuery(
        this.options.victoriaLogsUrl,
        '/select/logsql/stats_query',
        rule.expr,
        new Date(at),
        this.options.queryTimeoutMs,
        'GET',
      );
    }
    return instantQuery(this.options.prometheusUrl, '/api/v1/query', rule.expr, new Date(at), this.options.queryTimeoutMs);
  }

  private refreshGauge(): void {
    const counts = { pending: 0, firing: 0, resolved: 0 };
    for (const a of this.alerts()) counts[a.state]++;
    for (const [state, n] of Object.entries(counts)) this.metrics.alerts.set({ state }, n);
    this.metrics.firingAlerts.reset();
    for (const a of this.alerts())
      if (a.state === 'firing') this.metrics.firingAlerts.inc({ alertname: a.labels.alertname ?? '', severity: a.labels.severity ?? '' });
  }
}
