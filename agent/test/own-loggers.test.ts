import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { FIXTURES, startApp, type AppProcess } from './support/app-process.ts';
import { OtlpReceiver } from './support/otlp-receiver.ts';

// The app's own pino and winston (not the agent's logger), loaded with import and with
// require: their lines written while serving a request carry its trace and span ids, and
// pino's lines also reach the collector over OTLP (through the SDK's LoggerProvider).

const receiver = new OtlpReceiver();
let endpoint = '';

beforeAll(async () => {
  endpoint = await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
});

describe.each([
  ['ESM (import)', 'own-loggers.mjs'],
  ['CommonJS (require)', 'own-loggers.cjs'],
])("the app's own loggers, %s", (_label, fixture) => {
  let app: AppProcess;
  let txid: string;

  beforeAll(async () => {
    app = await startApp(`${FIXTURES}${fixture}`, {
      OTEL_SERVICE_NAME: `own-${fixture}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      SHOPSCOPE_METRICS_PORT: '0',
    });
    const res = await fetch(`http://127.0.0.1:${app.port}/hello?from=${fixture}`);
    expect(res.status).toBe(200);
    txid = res.headers.get('x-transaction-id') ?? '';
    await res.text();
  }, 60_000);

  afterAll(async () => {
    await app.stop();
  });

  it("puts the request's trace id in the app's pino and winston lines", async () => {
    const pinoLine = await vi.waitFor(
      () =>
        present(
          "the app's pino line",
          app.lines.find((l) => l.source === 'app-pino'),
        ),
      { timeout: 10_000 },
    );
    const winstonLine = await vi.waitFor(
      () =>
        present(
          "the app's winston line",
          app.lines.find((l) => l.source === 'app-winston'),
        ),
      { timeout: 10_000 },
    );
    expect(txid).toMatch(/^[0-9a-f]{32}$/);
    expect(pinoLine.trace_id).toBe(txid);
    expect(pinoLine.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(winstonLine.trace_id).toBe(txid);
    expect(winstonLine.span_id).toBe(pinoLine.span_id);
  });

  it("sends the app's pino lines over OTLP with the request's trace", async () => {
    const record = await vi.waitFor(
      () =>
        present(
          "the app's pino line over OTLP",
          receiver.logs.find((l) => l.traceId === txid && l.body === 'app pino line'),
        ),
      { timeout: 15_000 },
    );
    expect(record.service).toBe(`own-${fixture}`);
    expect(record.severityText).toBe('info');
    expect(record.severityNumber).toBe(9);
    expect(record.attributes.source).toBe('app-pino');
    const pinoLine = app.lines.find((l) => l.source === 'app-pino');
    expect(record.spanId).toBe(pinoLine?.span_id);
    expect(Math.abs(record.timeMs - Date.now())).toBeLessThan(60_000);
    expect(record.observedTimeMs).toBeGreaterThanOrEqual(record.timeMs);
  });
});
