// The whole local stack on test ports: up, telemetry through the collector into Jaeger,
// VictoriaLogs and Prometheus, idempotent up, and a down that leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { binaryPath, buildAll } from '../src/build/build-all.ts';
import { COMPONENTS } from '../src/components/index.ts';
import { findProcesses } from '../src/processes.ts';
import { loadSettings } from '../src/settings.ts';
import { down, status, up, type ComponentStatus } from '../src/supervisor.ts';
import { present, testEnvironment } from '@shopscope/testkit';

const env = testEnvironment('stack');
const settings = loadSettings(env);
const quiet = (): void => {};
const base = {
  collector: `http://127.0.0.1:${settings.ports.otlpHttp}`,
  jaeger: `http://127.0.0.1:${settings.ports.jaegerQuery}`,
  victoriaLogs: `http://127.0.0.1:${settings.ports.victoriaLogs}`,
  prometheus: `http://127.0.0.1:${settings.ports.prometheus}`,
};

const traceId = randomBytes(16).toString('hex');
const spanId = randomBytes(8).toString('hex');
const service = `stack-test-${randomBytes(3).toString('hex')}`;

async function postJson(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.body?.cancel();
  return response.status;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T | undefined }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  return { status: response.status, body: response.ok ? (JSON.parse(text) as T) : undefined };
}

function stackProcesses(): number[] {
  return Object.values(COMPONENTS).flatMap((spec) =>
    findProcesses(basename(binaryPath(spec.build, undefined, settings)), settings.dataDir).map((p) => p.pid),
  );
}

const resource = (extra: Record<string, string> = {}) => ({
  attributes: Object.entries({ 'service.name': service, 'deployment.environment.name': 'test', ...extra }).map(([key, value]) => ({
    key,
    value: { stringValue: value },
  })),
});

describe('the local stack', () => {
  let first: ComponentStatus[] = [];

  beforeAll(async () => {
    await buildAll({ log: quiet }); // a no-op once built; the first build can take half an hour
    await down({ env, log: quiet }); // leftovers of an interrupted earlier run
    first = await up({ env, log: quiet });
  }, 45 * 60_000);

  afterAll(async () => {
    await down({ env, log: quiet });
  }, 60_000);

  it('brings prometheus, victorialogs, jaeger and the collector up healthy, each with its resident memory', async () => {
    expect(first.map((c) => [c.component, c.state])).toEqual([
      ['prometheus', 'running'],
      ['victorialogs', 'running'],
      ['jaeger', 'running'],
      ['collector', 'running'],
    ]);
    const now = await status({ env });
    expect(now.every((c) => c.state === 'running')).toBe(true);
    for (const c of now) expect(c.rssBytes, c.component).toBeGreaterThan(1024 * 1024);
  });

  it('leaves running components alone on a second up', async () => {
    const again = await up({ env, log: quiet });
    expect(again.map((c) => c.pid)).toEqual(first.map((c) => c.pid));
  });

  it('carries an OTLP trace into Jaeger and span metrics into Prometheus', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = {
      traceId,
      spanId,
      name: 'GET /products/:id',
      kind: 2,
      startTimeUnixNano: String(now - 120_000_000n),
      endTimeUnixNano: String(now),
      attributes: [
        { key: 'http.request.method', value: { stringValue: 'GET' } },
        { key: 'http.route', value: { stringValue: '/products/:id' } },
        { key: 'http.response.status_code', value: { intValue: '500' } },
      ],
      status: { code: 2, message: 'boom' },
    };
    expect(
      await postJson(`${base.collector}/v1/traces`, {
        resourceSpans: [{ resource: resource(), scopeSpans: [{ scope: { name: 'stack-test' }, spans: [span] }] }],
      }),
    ).toBe(200);

    const trace = await vi.waitFor(
      async () => {
        const { status: code, body } = await getJson<{
          data: { spans: { spanID: string; operationName: string }[]; processes: Record<string, { serviceName: string }> }[];
        }>(`${base.jaeger}/api/traces/${traceId}`);
        return present('trace in Jaeger', code === 200 ? body?.data[0] : undefined);
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(trace.spans.map((s) => [s.spanID, s.operationName])).toEqual([[spanId, 'GET /products/:id']]);
    expect(Object.values(trace.processes).map((p) => p.serviceName)).toEqual([service]);
    // api_v3 answers the same trace as OTLP JSON
    const v3 = await getJson<{ result: { resourceSpans: unknown[] } }>(`${base.jaeger}/api/v3/traces/${traceId}`);
    expect(v3.status).toBe(200);
    expect(JSON.stringify(v3.body)).toContain(service);

    const series = await vi.waitFor(
      async () => {
        const query = encodeURIComponent(`traces_spanmetrics_calls_total{service_name="${service}"}`);
        const { body } = await getJson<{ data: { result: { metric: Record<string, string> }[] } }>(
          `${base.prometheus}/api/v1/query?query=${query}`,
        );
        return present('span metrics in Prometheus', body && body.data.result.length > 0 ? body.data.result : undefined);
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(series[0]?.metric).toMatchObject({ span_name: 'GET /products/:id', status_code: 'STATUS_CODE_ERROR' });
  });

  it('keeps every trace outside the production profile: a fast, successful one is in Jaeger too', async () => {
    const okTrace = randomBytes(16).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = {
      traceId: okTrace,
      spanId: randomBytes(8).toString('hex'),
      name: 'GET /health',
      kind: 2,
      startTimeUnixNano: String(now - 1_000_000n),
      endTimeUnixNano: String(now),
      status: { code: 1 },
    };
    expect(
      await postJson(`${base.collector}/v1/traces`, {
        resourceSpans: [{ resource: resource(), scopeSpans: [{ scope: { name: 'stack-test' }, spans: [span] }] }],
      }),
    ).toBe(200);
    await vi.waitFor(
      async () => present('a fast, successful trace in Jaeger', (await getJson(`${base.jaeger}/api/traces/${okTrace}`)).status === 200),
      { timeout: 30_000, interval: 500 },
    );
    const services = await getJson<{ data: string[] }>(`${base.jaeger}/api/services`);
    expect(services.body?.data).toContain(service);
  });

  it('carries an OTLP log into VictoriaLogs, queryable by service and trace id', async () => {
    const now = String(BigInt(Date.now()) * 1_000_000n);
    const record = {
      timeUnixNano: now,
      observedTimeUnixNano: now,
      severityNumber: 17,
      severityText: 'ERROR',
      body: { stringValue: 'payment failed for order 42' },
      traceId,
      spanId,
      attributes: [{ key: 'event.name', value: { stringValue: 'payment.failed' } }],
    };
    expect(
      await postJson(`${base.collector}/v1/logs`, {
        resourceLogs: [{ resource: resource(), scopeLogs: [{ scope: { name: 'stack-test' }, logRecords: [record] }] }],
      }),
    ).toBe(200);

    const query = encodeURIComponent(`_time:10m service.name:"${service}" trace_id:"${traceId}"`);
    const rows = await vi.waitFor(
      async () => {
        const response = await fetch(`${base.victoriaLogs}/select/logsql/query?query=${query}&limit=10`);
        const lines = (await response.text())
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, string>);
        return present('log in VictoriaLogs', lines.length > 0 ? lines : undefined);
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      _msg: 'payment failed for order 42',
      'service.name': service,
      'deployment.environment.name': 'test',
      trace_id: traceId,
      span_id: spanId,
      severity_text: 'ERROR',
      'event.name': 'payment.failed',
    });
    expect(rows[0]?._stream).toContain(`service.name="${service}"`);
  });

  it('lets only the storefront origin send browser telemetry (CORS)', async () => {
    const preflight = async (origin: string): Promise<string | null> => {
      const response = await fetch(`${base.collector}/v1/traces`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      await response.body?.cancel();
      return response.headers.get('access-control-allow-origin');
    };
    expect(await preflight('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(await preflight('http://localhost:8080')).toBe('http://localhost:8080');
    expect(await preflight('http://evil.example')).toBeNull();
  });

  it('has Prometheus scraping the collector, Jaeger and VictoriaLogs', async () => {
    const targets = await vi.waitFor(
      async () => {
        const { body } = await getJson<{ data: { result: { metric: { job: string }; value: [number, string] }[] } }>(
          `${base.prometheus}/api/v1/query?query=up`,
        );
        const upJobs = new Set(body?.data.result.filter((r) => r.value[1] === '1').map((r) => r.metric.job));
        return present(
          'scrape targets up',
          ['prometheus', 'otel-collector', 'jaeger', 'victorialogs'].every((job) => upJobs.has(job)) ? upJobs : undefined,
        );
      },
      { timeout: 30_000, interval: 500 },
    );
    expect(targets.size).toBeGreaterThanOrEqual(4);
  });

  it("answers Jaeger's monitor (SPM) API from the collector's span metrics in Prometheus", async () => {
    const calls = await vi.waitFor(
      async () => {
        const url = `${base.jaeger}/api/metrics/calls?service=${service}&endTs=${Date.now()}&lookback=600000&step=5000&ratePer=60000&spanKind=server`;
        const { status: code, body } = await getJson<{ metrics: { labels: { name: string; value: string }[]; metricPoints: unknown[] }[] }>(
          url,
        );
        return present(
          'service call rates from the monitor API',
          code === 200 && body && body.metrics.length > 0 ? body.metrics : undefined,
        );
      },
      { timeout: 60_000, interval: 500 },
    );
    expect(calls[0]?.labels).toContainEqual({ name: 'service_name', value: service });
  });

  it('keeps traces across a restart of Jaeger (badger on disk)', async () => {
    await down({ env, components: ['jaeger'], log: quiet });
    expect((await getJson(`${base.jaeger}/api/services`).catch(() => ({ status: 0 }))).status).toBe(0);
    await up({ env, components: ['jaeger'], log: quiet });
    const again = await getJson<{ data: { spans: { spanID: string }[] }[] }>(`${base.jaeger}/api/traces/${traceId}`);
    expect(again.status).toBe(200);
    expect(again.body?.data[0]?.spans.map((s) => s.spanID)).toEqual([spanId]);
  });

  it('stops everything on down, leaving no process behind', async () => {
    const before = stackProcesses();
    expect(before.length).toBe(4);
    const stopped = await down({ env, log: quiet });
    expect(stopped.flatMap((s) => s.stopped).sort()).toEqual([...before].sort());
    expect(stackProcesses()).toEqual([]);
    expect((await status({ env })).map((c) => c.state)).toEqual(['stopped', 'stopped', 'stopped', 'stopped']);
  }, 60_000);
});
