// One drill: steady state, the fault under load, the page within its target, the rollback, the
// resolve within its target, steady state again. Any miss fails the drill; the rollback runs on
// every path once the fault went on (errors, Ctrl-C through `signal`, misses).
import { join } from 'node:path';
import type { Targets } from '../settings.ts';
import { runLoadUntil, type LoadRuns } from '../load/run-load.ts';
import { injectFault, rollBack } from './faults.ts';
import { clearPendingRollback, recordPendingRollback } from './rollback-journal.ts';
import { observe, type AlertTimes, type Notification } from './pages.ts';
import type { Drill } from './schema.ts';
import type { SentMessage, SlackSink } from './slack-sink.ts';
import { checkSteadyState, type CheckResult } from './steady-state.ts';
import type { TimelineEvent, TimelineKind } from './timeline.ts';

export interface DrillOptions {
  targets: Targets;
  outDir: string;
  /** When the evaluator posts to the runner's own Slack sink: the pages as they were sent. */
  sink?: SlackSink;
  /** Ctrl-C: the drill stops, rolls back and reports. */
  signal?: AbortSignal;
  /** How long to wait for steady state before and after (earlier drills' alerts resolving). */
  steadyStateTimeoutSeconds?: number;
  /**
   * Paging alerts that do not break steady state. Default: ErrorBudgetBurn, whose slow-burn
   * windows (30 minutes to 6 hours) keep it firing long after an earlier drill's fault is gone;
   * no drill measures it, and it would hold every later drill off for half an hour.
   */
  ignoredAlerts?: readonly string[];
  pollMs?: number;
  /** Each moment as it happens (the progress line). An exception here is an error of the drill. */
  onEvent?: (event: TimelineEvent) => void;
  /** Run Artillery as the drill's load (default); off for checks that need no load. */
  load?: boolean;
  /** How long the load runs before the fault goes on (default 10 s). */
  warmUpSeconds?: number;
  /** Arrival seconds of each of the load's Artillery runs (default 20 s; the last one finishes after the drill). */
  loadChunkSeconds?: number;
}

export interface DrillResult {
  name: string;
  description: string;
  passed: boolean;
  failures: string[];
  startedAt: number;
  endedAt: number;
  timeToDetectSeconds: number | null;
  timeToPageSeconds: number | null;
  timeToResolveSeconds: number | null;
  targets: { alert: string; maxTimeToPageSeconds: number; maxTimeToResolveSeconds: number };
  timeline: TimelineEvent[];
  steadyStateBefore: CheckResult[];
  steadyStateAfter: CheckResult[];
  /** The evaluator's notifications for the expected alert. */
  pages: Notification[];
  /** The same pages as the Slack API received them (Block Kit), when the runner's sink took them. */
  slackMessages: SentMessage[];
  load: LoadRuns | undefined;
  rolledBack: boolean;
}

class Stopped extends Error {}

export const DEFAULT_IGNORED_ALERTS: readonly string[] = ['ErrorBudgetBurn'];

export async function runDrill(drill: Drill, options: DrillOptions): Promise<DrillResult> {
  const { targets } = options;
  const pollMs = options.pollMs ?? 1000;
  const timeline: TimelineEvent[] = [];
  const failures: string[] = [];
  const mark = (kind: TimelineKind, atMs = Date.now(), detail?: string) => {
    const event = { kind, atMs, ...(detail ? { detail } : {}) };
    timeline.push(event);
    options.onEvent?.(event);
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve, reject) => {
      if (options.signal?.aborted) return reject(new Stopped('stopped (Ctrl-C)'));
      const onAbort = () => {
        clearTimeout(timer);
        reject(new Stopped('stopped (Ctrl-C)'));
      };
      const timer = setTimeout(() => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  const startedAt = Date.now();
  const sinkStart = options.sink?.sent.length ?? 0;
  let steadyStateBefore: CheckResult[] = [];
  let steadyStateAfter: CheckResult[] = [];
  let times: AlertTimes = { pages: [] };
  let faultOnAt: number | undefined;
  let faultOffAt: number | undefined;
  let rolledBack = false;
  let load: Promise<LoadRuns> | undefined;
  const loadStop = new AbortController();

  const waitSteady = async (): Promise<CheckResult[]> => {
    const deadline = Date.now() + (options.steadyStateTimeoutSeconds ?? 300) * 1000;
    for (;;) {
      const results = await checkSteadyState(targets, drill.steadyState, options.ignoredAlerts ?? DEFAULT_IGNORED_ALERTS).catch(
        (err: Error) => [{ name: 'steady state', ok: false, detail: err.message }],
      );
      if (results.every((r) => r.ok) || Date.now() > deadline) return results;
      await sleep(5000);
    }
  };
  const rollbackOnce = async () => {
    if (faultOnAt === undefined || rolledBack) return;
    rolledBack = true;
    try {
      await rollBack(targets, drill.rollback);
      clearPendingRollback(targets);
    } catch (err) {
      failures.push(`rollback failed: ${(err as Error).message}`);
      rolledBack = false;
    }
    faultOffAt = Date.now();
    mark('fault off');
  };

  try {
    mark('drill started', startedAt, drill.description);
    steadyStateBefore = await waitSteady();
    const broken = steadyStateBefore.filter((r) => !r.ok);
    if (broken.length)
      throw new Error(`steady state does not hold before the fault: ${broken.map((r) => `${r.name} (${r.detail})`).join('; ')}`);
    mark('steady state held');

    if (options.load !== false) {
      load = runLoadUntil({
        profileName: `drill-${drill.name}`,
        arrivalRate: drill.load.arrivalRate,
        targets,
        outDir: options.outDir,
        stop: loadStop.signal,
        ...(options.loadChunkSeconds ? { chunkSeconds: options.loadChunkSeconds } : {}),
        ...(options.signal ? { abort: options.signal } : {}),
      });
      mark('load on');
      // Shoppers on the way before the fault, so the fault meets traffic.
      await sleep((options.warmUpSeconds ?? 10) * 1000);
    }

    recordPendingRollback(targets, drill.name, drill.rollback);
    faultOnAt = Date.now();
    await injectFault(targets, drill.fault);
    mark('fault on', faultOnAt, JSON.stringify(drill.fault));

    const alert = drill.expect.alert;
    const watch = async (until: (t: AlertTimes) => boolean, deadlineMs: number): Promise<void> => {
      let lastError: Error | undefined;
      const seen = new Set<string>();
      for (;;) {
        try {
          times = await observe(targets, alert, faultOnAt!, times);
          lastError = undefined;
        } catch (err) {
          lastError = err as Error;
        }
        for (const [key, kind] of [
          ['pendingAt', 'alert pending'],
          ['firingAt', 'alert firing'],
          ['pageAt', 'page sent'],
          ['resolvedAt', 'resolved'],
        ] as const) {
          const at = times[key];
          if (at !== undefined && !seen.has(key) && !timeline.some((e) => e.kind === kind)) {
            seen.add(key);
            mark(kind, at);
          }
        }
        if (until(times)) return;
        if (Date.now() > deadlineMs) {
          if (lastError) throw new Error(`the evaluator could not be read: ${lastError.message}`);
          return;
        }
        await sleep(pollMs);
      }
    };

    await watch((t) => t.pageAt !== undefined, faultOnAt + drill.expect.maxTimeToPageSeconds * 1000);
    if (times.pageAt === undefined) failures.push(`no page for ${alert} within ${drill.expect.maxTimeToPageSeconds}s`);

    await rollbackOnce();
    if (times.pageAt !== undefined && faultOffAt !== undefined) {
      await watch((t) => t.resolvedAt !== undefined, faultOffAt + drill.maxTimeToResolveSeconds * 1000);
      if (times.resolvedAt === undefined)
        failures.push(`${alert} did not resolve within ${drill.maxTimeToResolveSeconds}s of the rollback`);
    }
  } catch (err) {
    failures.push((err as Error).message);
  } finally {
    await rollbackOnce();
    loadStop.abort();
  }
  const loadRun = load ? await load : undefined;
  if (load) mark('load off');
  const maxErrorRatio = drill.load.maxErrorRatio;
  if (maxErrorRatio !== undefined && loadRun) {
    const ratio = loadRun.errors / Math.max(1, loadRun.requests);
    if (ratio > maxErrorRatio)
      failures.push(`the shop was harmed: ${(ratio * 100).toFixed(1)}% of the load's requests failed (at most ${maxErrorRatio * 100}%)`);
  }
  if (failures.length === 0) {
    try {
      steadyStateAfter = await waitSteady();
      const broken = steadyStateAfter.filter((r) => !r.ok);
      if (broken.length)
        failures.push(`steady state does not hold after the rollback: ${broken.map((r) => `${r.name} (${r.detail})`).join('; ')}`);
      else mark('steady state again');
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  mark('drill ended');
  const seconds = (from: number | undefined, to: number | undefined) =>
    from !== undefined && to !== undefined ? Math.round((to - from) / 100) / 10 : null;
  return {
    name: drill.name,
    description: drill.description,
    passed: failures.length === 0,
    failures,
    startedAt,
    endedAt: Date.now(),
    timeToDetectSeconds: seconds(faultOnAt, times.pendingAt),
    timeToPageSeconds: seconds(faultOnAt, times.pageAt),
    timeToResolveSeconds: seconds(faultOffAt, times.resolvedAt),
    targets: {
      alert: drill.expect.alert,
      maxTimeToPageSeconds: drill.expect.maxTimeToPageSeconds,
      maxTimeToResolveSeconds: drill.maxTimeToResolveSeconds,
    },
    timeline: timeline.sort((a, b) => a.atMs - b.atMs),
    steadyStateBefore,
    steadyStateAfter,
    pages: times.pages,
    slackMessages: options.sink ? options.sink.sent.slice(sinkStart) : [],
    load: loadRun,
    rolledBack,
  };
}

export const resultsFileIn = (outDir: string): string => join(outDir, 'summary.json');
