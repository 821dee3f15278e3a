// The whole local stack on test ports: up, telemetry through the collector into Tempo, Loki and
// Prometheus, idempotent up, and a down that leaves nothing behind.
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryPath, buildAll } from '../src/build.ts';
import { COMPONENTS } from '../src/components/index.ts';
import { findProcesses } from '../src/processes.ts';
import { loadSettings } from '../src/settings.ts';
import { down, status, up, type ComponentStatus } from '../src/supervisor.ts';
import { eventually, testEnvironment } from './test-env.ts';

// Keep every trace: checks that the caller's environment reaches the collector's config.
const env = { ...testEnvironment('e2e'), SHOPSCOPE_SAMPLE_PERCENT: '100' };
const settings = loadSettings(env);
const quiet = (): void => {};
const base = {
  collector: `http://127.0.0.1:${settings.ports.otlpHttp}`,
  tempo: `http://127.0.0.1:${settings.ports.tempoHttp}`,
  loki: `http://127.0.0.1:${settings.ports.lokiHttp}`,
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
  return Object.values(COMPONENTS).flatMap((spec) => findProcesses(basename(binaryPath(spec.build, undefined, settings)), settings.dataDir).map((p) => p.pid));
}

const resource = (extra: Record<string, string> = {}) => ({
  attributes: Object.entries({ 'service.name': service, 'deployment.environment.name': 'test', ...extra }).map(([key, value]) => ({ key, value: { stringValue: value } })),
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

  it('brings prometheus, loki, tempo and the collector up healthy', async () => {
    expect(first.map((c) => [c.component, c.state])).toEqual([
      ['prometheus', 'running'],
      ['loki', 'running'],
      ['tempo', 'running'],
      ['collector', 'running'],
    ]);
    expect((await status({ env })).every((c) => c.state === 'running')).toBe(true);
  });

  it('leaves running components alone on a second up', async () => {
    const again = await up({ env, log: quiet });
    expect(again.map((c) => c.pid)).toEqual(first.map((c) => c.pid));
  });

  it('carries an OTLP trace into Tempo and span metrics into Prometheus', async () => {
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
      status: { code: 2, message: 'boom' }, // an error: tail sampling always keeps it
    };
    expect(await postJson(`${base.collector}/v1/traces`, { resourceSpans: [{ resource: resource(), scopeSpans: [{ scope: { name: 'stack-test' }, spans: [span] }] }] })).toBe(200);

    const trace = await eventually('trace in Tempo', 30_000, async () => {
      const { status: code, body } = await getJson<{ batches?: unknown[]; resourceSpans?: unknown[] }>(`${base.tempo}/api/traces/${traceId}`);
      return code === 200 ? body : undefined;
    });
    expect(JSON.stringify(trace)).toContain(service);

    const series = await eventually('span metrics in Prometheus', 60_000, async () => {
      const query = encodeURIComponent(`traces_spanmetrics_calls_total{service_name="${service}"}`);
      const { body } = await getJson<{ data: { result: { metric: Record<string, string> }[] } }>(`${base.prometheus}/api/v1/query?query=${query}`);
      return body && body.data.result.length > 0 ? body.data.result : undefined;
    });
    expect(series[0]?.metric).toMatchObject({ span_name: 'GET /products/:id', status_code: 'STATUS_CODE_ERROR' });
  });

  it("passes the caller's environment to the collector (here: keep 100 % of ordinary traces)", async () => {
    const okTrace = randomBytes(16).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = { traceId: okTrace, spanId: randomBytes(8).toString('hex'), name: 'GET /health', kind: 2, startTimeUnixNano: String(now - 1_000_000n), endTimeUnixNano: String(now), status: { code: 1 } };
    expect(await postJson(`${base.collector}/v1/traces`, { resourceSpans: [{ resource: resource(), scopeSpans: [{ scope: { name: 'stack-test' }, spans: [span] }] }] })).toBe(200);
    await eventually('a fast, successful trace in Tempo', 30_000, async () => ((await getJson(`${base.tempo}/api/traces/${okTrace}`)).status === 200 ? true : undefined));
  });

  it('carries an OTLP log into Loki, queryable by service and trace id', async () => {
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
    expect(await postJson(`${base.collector}/v1/logs`, { resourceLogs: [{ resource: resource(), scopeLogs: [{ scope: { name: 'stack-test' }, logRecords: [record] }] }] })).toBe(200);

    const start = String((BigInt(Date.now()) - 600_000n) * 1_000_000n);
    const query = encodeURIComponent(`{service_name="${service}"} | trace_id="${traceId}"`);
    const streams = await eventually('log in Loki', 30_000, async () => {
      const { body } = await getJson<{ data: { result: { stream: Record<string, string>; values: [string, string][] }[] } }>(
        `${base.loki}/loki/api/v1/query_range?query=${query}&start=${start}&limit=10`,
      );
      return body && body.data.result.length > 0 ? body.data.result : undefined;
    });
    expect(streams[0]?.values[0]?.[1]).toBe('payment failed for order 42');
    expect(streams[0]?.stream).toMatchObject({ service_name: service, deployment_environment_name: 'test', trace_id: traceId });
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

  it('has Prometheus scraping the collector, Tempo and Loki', async () => {
    const targets = await eventually('scrape targets up', 30_000, async () => {
      const { body } = await getJson<{ data: { result: { metric: { job: string }; value: [number, string] }[] } }>(`${base.prometheus}/api/v1/query?query=up`);
      const upJobs = new Set(body?.data.result.filter((r) => r.value[1] === '1').map((r) => r.metric.job));
      return ['prometheus', 'otel-collector', 'tempo', 'loki'].every((job) => upJobs.has(job)) ? upJobs : undefined;
    });
    expect(targets.size).toBeGreaterThanOrEqual(4);
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
