import { Writable } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Experiments } from '../../src/commerce/experiments.ts';
import { loadConfig } from '../../src/config/env.ts';
import { createJobMetrics } from '../../src/jobs/job-metrics.ts';
import { createJobs } from '../../src/jobs/jobs.ts';
import { FieldBuilder } from '../../src/logging/fields.ts';
import { ConventionLogger } from '../../src/logging/logger.ts';
import { createPino } from '../../src/logging/pino-setup.ts';
import { createRedactor, redactString } from '../../src/logging/redact.ts';
import { levelValues } from '../../src/logging/schema.ts';
import { createRedMetrics } from '../../src/metrics/red-metrics.ts';
import { useGlobalTracing } from '../support/global-tracing.ts';

type Line = Record<string, unknown>;

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
useGlobalTracing(provider);

const lines: Line[] = [];
const out = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const text of chunk.toString().split('\n')) if (text.trim()) lines.push(JSON.parse(text) as Line);
    done();
  },
});
const { config } = loadConfig({ OTEL_SERVICE_NAME: 'orders', SHOPSCOPE_PROFILE: 'stage' });
const fields = new FieldBuilder(createRedactor(), redactString, new Experiments([]));
const logger = new ConventionLogger({ fields, otlp: undefined, minLevel: levelValues.info }, createPino(config, fields, out), undefined);

function setup() {
  const red = createRedMetrics([], 100);
  const jobs = createJobs(logger, createJobMetrics(red.guard));
  const series = async (prefix: string) =>
    (await red.registry.metrics())
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .map((l) => l.replace(/ # \{.*$/, ''));
  return { jobs, series };
}

const flushLogs = () => new Promise((r) => setImmediate(r));

beforeEach(() => {
  exporter.reset();
  lines.length = 0;
});

describe('batch jobs', () => {
  it('makes each run a new trace: root span "job <name>" with its steps as children', async () => {
    const { jobs } = setup();
    const parent = provider.getTracer('t').startSpan('some request');
    const result = await jobs.run(
      'settlement',
      async (run) => {
        const rows = await run.step('load orders', async () => [1, 2, 3]);
        await run.step('write report', () => run.step('insert row', () => undefined));
        return rows.length;
      },
      { runId: 'run-1', trigger: 'schedule' },
    );
    parent.end();
    expect(result).toBe(3);
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === 'job settlement')!;
    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(root.parentSpanContext).toBeUndefined();
    expect(root.spanContext().traceId).not.toBe(parent.spanContext().traceId);
    expect(root.attributes).toEqual({ 'job.name': 'settlement', 'job.run_id': 'run-1', 'job.trigger': 'schedule' });
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    expect(byName('load orders').parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(byName('write report').parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(byName('insert row').parentSpanContext?.spanId).toBe(byName('write report').spanContext().spanId);
    for (const name of ['load orders', 'write report', 'insert row']) {
      expect(byName(name).spanContext().traceId).toBe(root.spanContext().traceId);
      expect(byName(name).attributes['job.run_id']).toBe('run-1');
    }
  });

  it('counts successes and failures, their durations and the last success time', async () => {
    const { jobs, series } = setup();
    jobs.declare('settlement', { periodSeconds: 86_400 });
    expect(await series('job_runs_total')).toEqual([
      'job_runs_total{job="settlement",status="success"} 0',
      'job_runs_total{job="settlement",status="failure"} 0',
    ]);
    expect(await series('job_schedule_period_seconds')).toEqual(['job_schedule_period_seconds{job="settlement"} 86400']);
    expect(await series('job_duration_seconds_count')).toEqual(['job_duration_seconds_count{job="settlement"} 0']);

    const before = Date.now() / 1000;
    await jobs.run('settlement', (run) => run.records(40, 2));
    const boom = new RangeError('no payments');
    await expect(
      jobs.run('settlement', async (run) => {
        await run.step('load payments', () => {
          throw boom;
        });
      }),
    ).rejects.toBe(boom);

    expect(await series('job_runs_total')).toEqual([
      'job_runs_total{job="settlement",status="success"} 1',
      'job_runs_total{job="settlement",status="failure"} 1',
    ]);
    expect(await series('job_duration_seconds_count')).toEqual(['job_duration_seconds_count{job="settlement"} 2']);
    expect(await series('job_records_processed_total')).toEqual(['job_records_processed_total{job="settlement"} 40']);
    expect(await series('job_records_failed_total')).toEqual(['job_records_failed_total{job="settlement"} 2']);
    const [success] = await series('job_last_success_timestamp_seconds');
    const [failure] = await series('job_last_failure_timestamp_seconds');
    const successAt = Number(success!.split(' ')[1]);
    const failureAt = Number(failure!.split(' ')[1]);
    expect(successAt).toBeGreaterThanOrEqual(before);
    expect(failureAt).toBeGreaterThanOrEqual(successAt);
    expect(failureAt).toBeLessThanOrEqual(Date.now() / 1000);

    const failed = exporter.getFinishedSpans().filter((s) => s.status.code === SpanStatusCode.ERROR);
    expect(failed.map((s) => s.name).sort()).toEqual(['job settlement', 'load payments']);
    expect(failed[0]!.events[0]?.attributes?.['exception.type']).toBe('RangeError');
  });

  it("puts the job's name and run id, and the trace, on every line of the run", async () => {
    const { jobs } = setup();
    await jobs.run('settlement', (run) => run.step('aggregate', () => run.log.info({ orders: 3 }, 'aggregated')), { runId: 'run-42' });
    await flushLogs();
    const root = exporter.getFinishedSpans().find((s) => s.name === 'job settlement')!;
    const step = exporter.getFinishedSpans().find((s) => s.name === 'aggregate')!;
    expect(lines.map((l) => l.msg)).toEqual(['job settlement started', 'aggregated', 'job settlement succeeded']);
    for (const line of lines) {
      expect(line.job).toEqual({ name: 'settlement', run_id: 'run-42' });
      expect(line.trace_id).toBe(root.spanContext().traceId);
      expect(line.service).toBe('orders');
    }
    expect(lines[1]).toMatchObject({ span_id: step.spanContext().spanId, orders: 3 });
    expect(lines[2]).toMatchObject({ event: 'job.finished', status: 'success' });
  });

  it('logs a failed run at error level with the error', async () => {
    const { jobs } = setup();
    await expect(jobs.run('settlement', () => Promise.reject(new Error('disk full')), { runId: 'r' })).rejects.toThrow('disk full');
    await flushLogs();
    expect(lines.at(-1)).toMatchObject({
      level: 'error',
      event: 'job.finished',
      status: 'failure',
      error: { type: 'Error', message: 'disk full' },
      job: { name: 'settlement', run_id: 'r' },
    });
  });

  it("keeps the job running when the agent's own bookkeeping throws", async () => {
    const { jobs } = setup();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const tracerSpy = vi.spyOn(provider, 'getTracer').mockImplementation(() => {
      throw new Error('tracer broke');
    });
    const childSpy = vi.spyOn(logger, 'child').mockImplementation(() => {
      throw new Error('logger broke');
    });
    try {
      const steps: string[] = [];
      const value = await jobs.run('broken-agent', async (run) => {
        await run.step('one', () => steps.push('one'));
        run.records(Number.NaN, -3);
        return 'done';
      });
      expect(value).toBe('done');
      expect(steps).toEqual(['one']);
      await expect(jobs.run('broken-agent', () => Promise.reject(new TypeError('app bug')))).rejects.toThrow(TypeError);
      expect(stderr.mock.calls.some(([line]) => String(line).includes('SHOPSCOPE_ERR_CALLBACK'))).toBe(true);
    } finally {
      tracerSpy.mockRestore();
      childSpy.mockRestore();
      stderr.mockRestore();
    }
  });

  it('runs bare when metrics are off', async () => {
    const jobs = createJobs(logger, undefined);
    jobs.declare('settlement', { periodSeconds: 60 });
    expect(await jobs.run('settlement', (run) => run.step('only', () => 7))).toBe(7);
  });
});
