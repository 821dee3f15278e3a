import { randomUUID } from 'node:crypto';
import { context, SpanKind, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { ConventionLogger } from '../logging/logger.ts';
import { describe } from '../safety/safe-call.ts';
import { warn } from '../safety/warn.ts';
import { TRACER_NAME } from '../tracing/provider.ts';
import { recordFailure } from '../tracing/span-failure.ts';
import type { JobMetrics } from './job-metrics.ts';

// Batch jobs: each run is a trace of its own (root span `job <name>`, a child span per step),
// counted in the job_* metrics, with log lines that carry the job's name and run id. The job's
// own result and error pass through untouched; the agent's bookkeeping failing only costs a
// warning, never the run.

export type JobTrigger = 'schedule' | 'manual';

export interface JobOptions {
  /** The run's id in logs and spans; a random UUID when not given. */
  runId?: string;
  /** What started the run (default `manual`). */
  trigger?: JobTrigger;
}

export interface JobDeclaration {
  /** Seconds between two scheduled runs: `job_schedule_period_seconds`, the missed-run alert's yardstick. */
  periodSeconds?: number;
}

export interface JobRun {
  readonly job: string;
  readonly runId: string;
  readonly trigger: JobTrigger;
  /** The convention logger with `job: { name, run_id }` on every line. */
  readonly log: ConventionLogger;
  /** Runs one step of the job as a child span of the run (or of the step it is called in). */
  step<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
  /** Adds to `job_records_processed_total` / `job_records_failed_total`. */
  records(processed: number, failed?: number): void;
}

export interface Jobs {
  /** Makes the job's series exist (at zero) before its first run, and records its schedule. */
  declare(name: string, declaration?: JobDeclaration): void;
  /** Runs `fn` as one run of job `name`; resolves or rejects as `fn` does. */
  run<T>(name: string, fn: (run: JobRun) => T | Promise<T>, options?: JobOptions): Promise<T>;
}

const tracer = () => trace.getTracer(TRACER_NAME);

/** Runs agent bookkeeping; a failure becomes a warning (and `fallback`), never the app's error. */
function guarded<R>(where: string, fn: () => R, fallback: R): R {
  try {
    return fn();
  } catch (error) {
    warn('SHOPSCOPE_ERR_CALLBACK', `jobs.${where}: ${describe(error)}`, `callback:jobs.${where}`);
    return fallback;
  }
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);

export function createJobs(logger: ConventionLogger, metrics: JobMetrics | undefined): Jobs {
  function declare(name: string, declaration: JobDeclaration = {}): void {
    guarded(
      'declare',
      () => {
        if (!metrics) return;
        metrics.runs.inc([name, 'success'], 0);
        metrics.runs.inc([name, 'failure'], 0);
        metrics.duration.declare([name]);
        metrics.recordsProcessed.inc([name], 0);
        metrics.recordsFailed.inc([name], 0);
        const period = declaration.periodSeconds;
        if (period !== undefined && Number.isFinite(period) && period > 0) metrics.schedulePeriod.set([name], period);
      },
      undefined,
    );
  }

  function makeRun(name: string, runId: string, trigger: JobTrigger, baseAttributes: Attributes): JobRun {
    const log = guarded('logger', () => logger.child({ job: { name, run_id: runId } }), logger);
    return {
      job: name,
      runId,
      trigger,
      log,
      step<T>(stepName: string, fn: () => T | Promise<T>): Promise<T> {
        const span = guarded(
          'step',
          () => tracer().startSpan(stepName, { kind: SpanKind.INTERNAL, attributes: { ...baseAttributes, 'job.step': stepName } }),
          undefined,
        );
        if (!span) return Promise.resolve().then(fn);
        const active = guarded('step', () => trace.setSpan(context.active(), span), undefined);
        const call = () => Promise.resolve().then(fn);
        return (active ? context.with(active, call) : call()).then(
          (value) => {
            guarded('step', () => span.end(), undefined);
            return value;
          },
          (error: unknown) => {
            recordFailure(span, error);
            guarded('step', () => span.end(), undefined);
            throw error;
          },
        );
      },
      records(processed: number, failed = 0): void {
        guarded(
          'records',
          () => {
            if (count(processed) > 0) metrics?.recordsProcessed.inc([name], count(processed));
            if (count(failed) > 0) metrics?.recordsFailed.inc([name], count(failed));
          },
          undefined,
        );
      },
    };
  }

  async function run<T>(name: string, fn: (run: JobRun) => T | Promise<T>, options: JobOptions = {}): Promise<T> {
    const runId = typeof options.runId === 'string' && options.runId !== '' ? options.runId : randomUUID();
    const trigger: JobTrigger = options.trigger === 'schedule' ? 'schedule' : 'manual';
    const attributes: Attributes = { 'job.name': name, 'job.run_id': runId, 'job.trigger': trigger };
    const jobRun = makeRun(name, runId, trigger, attributes);
    const started = performance.now();
    // A new trace per run, whatever was active when it was started (a request, another run).
    const root: Span | undefined = guarded(
      'start',
      () => tracer().startSpan(`job ${name}`, { root: true, kind: SpanKind.INTERNAL, attributes }),
      undefined,
    );
    const active = root ? guarded('start', () => trace.setSpan(context.active(), root), undefined) : undefined;
    const inRun = <R>(fn: () => R): R => (active ? context.with(active, fn) : fn());
    inRun(() => jobRun.log.info({ event: 'job.started', trigger }, `job ${name} started`));

    const finish = (error: unknown, failed: boolean) =>
      guarded(
        'finish',
        () => {
          const seconds = (performance.now() - started) / 1000;
          const traceId = root?.spanContext().traceId;
          metrics?.runs.inc([name, failed ? 'failure' : 'success']);
          metrics?.duration.observe([name], seconds, traceId);
          (failed ? metrics?.lastFailure : metrics?.lastSuccess)?.set([name], Date.now() / 1000);
          const fields = { event: 'job.finished', status: failed ? 'failure' : 'success', duration_ms: Math.round(seconds * 1000) };
          inRun(() =>
            failed ? jobRun.log.error({ ...fields, err: error }, `job ${name} failed`) : jobRun.log.info(fields, `job ${name} succeeded`),
          );
          if (root) {
            if (failed) recordFailure(root, error);
            root.end();
          }
        },
        undefined,
      );

    let result: T;
    try {
      result = await inRun(() => Promise.resolve().then(() => fn(jobRun)));
    } catch (error) {
      finish(error, true);
      throw error;
    }
    finish(undefined, false);
    return result;
  }

  return { declare, run };
}
