import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { loadConfig } from '../../src/config/env.ts';
import { FIXTURES, startApp, type AppProcess } from '../support/app-process.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';

// OTEL_EXPORTER_OTLP_HEADERS and the per-signal variables: what collectors behind auth or with
// tenants need on every export request.

describe('OTLP export headers from the environment', () => {
  it('parses name=value pairs, percent-decoded, names lower-cased, signal variables on top', () => {
    const { config, problems } = loadConfig({
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc%3D%3D , X-Scope-OrgID=shop',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-scope-orgid=traces-tenant',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-extra=1',
    });
    expect(problems).toEqual([]);
    expect(config.traces.headers).toEqual({ authorization: 'Bearer abc==', 'x-scope-orgid': 'traces-tenant' });
    expect(config.logs.headers).toEqual({ authorization: 'Bearer abc==', 'x-scope-orgid': 'shop', 'x-extra': '1' });
    expect(config.traces.exportEnabled && config.logs.exportEnabled).toBe(true);
  });

  const bad: Array<[string, string, 'both' | 'traces' | 'logs']> = [
    ['OTEL_EXPORTER_OTLP_HEADERS', 'novalue', 'both'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'bad name=x', 'both'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'x-a=line%0Abreak', 'both'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'x-a=%E0%A4%A', 'both'],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'content-type=text/plain', 'both'],
    ['OTEL_EXPORTER_OTLP_TRACES_HEADERS', '=x', 'traces'],
    ['OTEL_EXPORTER_OTLP_LOGS_HEADERS', 'Host=elsewhere', 'logs'],
  ];
  it.each(bad)('%s=%s: one problem naming the variable, that export off (never sent without them)', (name, value, off) => {
    const { config, problems } = loadConfig({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${name} (value not shown) is not valid`);
    expect(config.traces.exportEnabled).toBe(off === 'logs');
    expect(config.logs.exportEnabled).toBe(off === 'traces');
  });

  it('never shows a header value in a problem line (they may be credentials)', () => {
    const { problems } = loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cr3t,x-a=%ZZs3cr3t' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('x-a');
    expect(problems[0]).not.toContain('s3cr3t');
  });
});

/** SPAN_KIND_SERVER in OTLP's enum. */
const OTLP_SERVER = 2;

describe('an app exporting with headers', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    app = await startApp(`${FIXTURES}plain-http.mjs`, {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20secret-token,x-scope-orgid=shop',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-scope-orgid=shop-logs',
      OTEL_TRACES_SAMPLER: 'always_on',
      SHOPSCOPE_METRICS_PORT: '0',
    });
    const res = await fetch(`http://127.0.0.1:${app.port}/`);
    await res.text();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('sends them on every trace and log export request, and keeps its own content headers', async () => {
    await vi.waitFor(
      () =>
        present(
          'traces and logs exported',
          receiver.received.some((r) => r.path === '/v1/traces') && receiver.received.some((r) => r.path === '/v1/logs'),
        ),
      { timeout: 15_000 },
    );
    for (const { path, headers } of receiver.received) {
      expect(headers.authorization, path).toBe('Bearer secret-token');
      expect(headers['x-scope-orgid'], path).toBe(path === '/v1/logs' ? 'shop-logs' : 'shop');
      expect(headers['content-type'], path).toBe('application/x-protobuf');
    }
  });

  it('never traces its own export requests (the app makes no outbound call, so no CLIENT span)', async () => {
    // A second request after the first export: had an export been traced, its span would be
    // in one of the following batches.
    const before = receiver.received.filter((r) => r.path === '/v1/traces').length;
    await (await fetch(`http://127.0.0.1:${app.port}/`)).text();
    await vi.waitFor(
      () => present('one more trace export', receiver.received.filter((r) => r.path === '/v1/traces').length >= before + 1),
      { timeout: 15_000 },
    );
    await (await fetch(`http://127.0.0.1:${app.port}/`)).text();
    await vi.waitFor(
      () => present('two more trace exports', receiver.received.filter((r) => r.path === '/v1/traces').length >= before + 2),
      { timeout: 15_000 },
    );
    expect(receiver.spans.filter((s) => s.kind === OTLP_SERVER).length).toBeGreaterThanOrEqual(3);
    expect(receiver.spans.filter((s) => s.kind !== OTLP_SERVER)).toEqual([]);
  });
});
