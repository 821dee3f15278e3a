import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@shopscope/testkit';
import { FIXTURES, SOURCE_FLAGS, startApp, type AppProcess } from './support/app-process.ts';

// The collector is unreachable (nothing listens on the OTLP port) while the app serves steady
// load: the app keeps answering, the agent's heap stays bounded (its export budget holds at
// most SHOPSCOPE_EXPORT_QUEUE spans and as many log records), drops are counted and the
// warning is rate-limited. A short version of the 10-minute soak, suited to a test suite.

const LOAD_SECONDS = Number(process.env.SHOPSCOPE_SOAK_SECONDS ?? 45);
const HEAP_GROWTH_LIMIT = 24 * 1024 * 1024;

let app: AppProcess;
let metricsPort: number;

async function heapAfterGc(): Promise<number> {
  const usage = (await (await fetch(`http://127.0.0.1:${app.port}/__gc`)).json()) as { heapUsed: number };
  return usage.heapUsed;
}

async function load(seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: `http://127.0.0.1:${app.port}/products/3`, connections: 8, duration: seconds });
}

beforeAll(async () => {
  metricsPort = await freePort();
  app = await startApp(
    `${FIXTURES}chain-service.mjs`,
    {
      OTEL_SERVICE_NAME: 'soak',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      SHOPSCOPE_METRICS_PORT: String(metricsPort),
    },
    ['--expose-gc', ...SOURCE_FLAGS],
  );
});

afterAll(async () => {
  await app?.stop('SIGKILL');
});

describe('collector unreachable under load', () => {
  it(`keeps serving with bounded heap for ${LOAD_SECONDS} s, counts drops, warns rarely`, async () => {
    await load(5);
    const before = await heapAfterGc();
    const result = await load(LOAD_SECONDS);
    const after = await heapAfterGc();

    expect(result.errors).toBe(0);
    expect(result.non2xx).toBe(0);
    expect(result.requests.total).toBeGreaterThan(LOAD_SECONDS * 100);
    expect(after - before).toBeLessThan(HEAP_GROWTH_LIMIT);

    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const dropped = (signal: string): number =>
      [...text.matchAll(new RegExp(`shopscope_telemetry_dropped_total\\{signal="${signal}",reason="\\w+"\\} (\\d+)`, 'g'))].reduce(
        (n, m) => n + Number(m[1]),
        0,
      );
    expect(dropped('spans')).toBeGreaterThan(0);
    expect(dropped('logs')).toBeGreaterThan(0);

    const warnings = app
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('[shopscope]'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.length).toBeLessThanOrEqual(4 * Math.ceil((LOAD_SECONDS + 10) / 60) + 2);
    process.stdout.write(
      `bounded-memory: ${result.requests.total} requests, heap ${(before / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MiB, dropped spans ${dropped('spans')}, logs ${dropped('logs')}, ${warnings.length} warnings\n`,
    );
  }, 180_000);
});
