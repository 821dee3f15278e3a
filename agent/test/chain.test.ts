import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, present } from '@shopscope/testkit';
import { FIXTURES, startApp, type AppProcess } from './support/app-process.ts';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts';

// Three services in a chain (gateway → orders → payments), each its own process under the
// agent, exporting to a local OTLP receiver: the transaction header, parent links across
// processes, log correlation, peer attributes, exemplars and experiment baggage.

const SERVER = 2;
const CLIENT = 3;
const receiver = new OtlpReceiver();
const apps: AppProcess[] = [];
const metricsPorts: number[] = [];

async function get(url: string, init?: RequestInit): Promise<{ status: number; txid: string | null; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, txid: res.headers.get('x-transaction-id'), body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  const endpoint = await receiver.start();
  let downstream = '';
  const names = ['payments', 'orders', 'gateway'];
  for (const name of names) {
    const metricsPort = await freePort();
    const env: Record<string, string> = {
      OTEL_SERVICE_NAME: name,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      SHOPSCOPE_METRICS_PORT: String(metricsPort),
      SHOPSCOPE_EXPERIMENTS: 'checkout_button=control|blue',
      SHOPSCOPE_PROFILE: 'dev',
    };
    if (downstream) env.DOWNSTREAM_URL = downstream;
    const app = await startApp(`${FIXTURES}chain-service.mjs`, env);
    apps.unshift(app);
    metricsPorts.unshift(metricsPort);
    downstream = `http://127.0.0.1:${app.port}`;
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await receiver.stop();
});

describe('a request through three services', () => {
  let first: Awaited<ReturnType<typeof get>>;
  let traceSpans: ReceivedSpan[];

  beforeAll(async () => {
    first = await get(`http://127.0.0.1:${apps[0]!.port}/products/2`);
    traceSpans = await vi.waitFor(
      () => {
        const spans = receiver.spans.filter((s) => s.traceId === first.txid);
        return present(
          'three server spans and three SELECT spans',
          spans.filter((s) => s.kind === SERVER).length >= 3 && spans.filter((s) => s.name.startsWith('SELECT')).length >= 3
            ? spans
            : undefined,
        );
      },
      { timeout: 15_000 },
    );
  }, 60_000);

  it('returns the trace id as x-transaction-id, the same in every service', () => {
    expect(first.status).toBe(200);
    expect(first.txid).toMatch(/^[0-9a-f]{32}$/);
    const orders = first.body.downstream as { transaction: string; body: { downstream: { transaction: string } } };
    expect(orders.transaction).toBe(first.txid);
    expect(orders.body.downstream.transaction).toBe(first.txid);
  });

  it('links spans across processes into one call tree', () => {
    const byService = (service: string, kind: number): ReceivedSpan[] => traceSpans.filter((s) => s.service === service && s.kind === kind);
    const gatewayServer = byService('gateway', SERVER)[0]!;
    expect(gatewayServer.parentSpanId).toBe('');
    expect(gatewayServer.name).toBe('GET /products/:id');
    expect(gatewayServer.attributes['http.route']).toBe('/products/:id');
    expect(gatewayServer.attributes['http.response.status_code']).toBe(200);

    for (const [caller, callee] of [
      ['gateway', 'orders'],
      ['orders', 'payments'],
    ] as const) {
      const callerServer = byService(caller, SERVER)[0]!;
      const client = byService(caller, CLIENT).find((s) => s.attributes['http.request.method'] === 'GET')!;
      const calleeServer = byService(callee, SERVER)[0]!;
      expect(client.parentSpanId).toBe(callerServer.spanId);
      expect(calleeServer.parentSpanId).toBe(client.spanId);
      expect(client.attributes['peer.service']).toBe(callee);
      expect(client.attributes['server.address']).toBe('127.0.0.1');
    }
  });

  it('nests traced() business spans and SQL statements under the request', () => {
    for (const service of ['gateway', 'orders', 'payments']) {
      const server = traceSpans.find((s) => s.service === service && s.kind === SERVER)!;
      const reserve = traceSpans.find((s) => s.service === service && s.name === 'inventory.reserve')!;
      const sql = traceSpans.find((s) => s.service === service && s.name.startsWith('SELECT'))!;
      expect(reserve.parentSpanId).toBe(server.spanId);
      expect(sql.parentSpanId).toBe(reserve.spanId);
      expect(sql.attributes['db.system.name']).toBe('sqlite');
      expect(reserve.durationMs).toBeGreaterThanOrEqual(1);
    }
  });

  it('writes the trace and span ids in every log line of the request, and one access line', async () => {
    for (const app of apps) {
      const mine = await vi.waitFor(
        () => {
          const lines = app.lines.filter((l) => l.trace_id === first.txid);
          return present('the access line of the first request', lines.some((l) => l.event === 'http.request') ? lines : undefined);
        },
        { timeout: 10_000 },
      );
      const viewed = mine.find((l) => l.event === 'product.viewed')!;
      expect(viewed.span_id).toMatch(/^[0-9a-f]{16}$/);
      const access = mine.filter((l) => l.event === 'http.request');
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({ level: 'info', http: { method: 'GET', route: '/products/:id', status_code: 200 } });
      expect(typeof (access[0]!.http as { duration_ms: number }).duration_ms).toBe('number');
    }
  });

  it('ends a request whose client went away: access line and span with status 499', async () => {
    const app = apps[2]!;
    const controller = new AbortController();
    const started = fetch(`http://127.0.0.1:${app.port}/hang`, { signal: controller.signal }).catch(() => undefined);
    setTimeout(() => controller.abort(), 300);
    await started;
    const access = await vi.waitFor(
      () =>
        present(
          'the access line of the aborted /hang request',
          app.lines.find((l) => l.event === 'http.request' && (l.http as { route?: string }).route === '/hang'),
        ),
      { timeout: 10_000 },
    );
    expect(access).toMatchObject({ http: { method: 'GET', route: '/hang', status_code: 499 } });
    expect((access.http as { duration_ms: number }).duration_ms).toBeLessThan(2000);
    const span = await vi.waitFor(
      () =>
        present(
          "the access line's server span",
          receiver.spans.find((s) => s.traceId === access.trace_id && s.kind === SERVER),
        ),
      { timeout: 15_000 },
    );
    expect(span.name).toBe('GET /hang');
  });

  it('sends the same log lines over OTLP with the trace context', async () => {
    const logs = await vi.waitFor(
      () => {
        const mine = receiver.logs.filter((l) => l.traceId === first.txid && l.attributes.event === 'http.request');
        return present('three log lines of the request', mine.length >= 3 ? mine : undefined);
      },
      { timeout: 15_000 },
    );
    expect(new Set(logs.map((l) => l.service))).toEqual(new Set(['gateway', 'orders', 'payments']));
    expect(logs[0]!.body).toBe('request completed');
  });

  it('serves RED metrics with trace-id exemplars, outbound by peer', async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPorts[0]}/metrics`)).text();
    expect(text).toMatch(/^# EOF$/m);
    const serverBucket = text
      .split('\n')
      .find((l) => l.startsWith('http_server_request_duration_seconds_bucket') && l.includes(`trace_id="${first.txid}"`));
    expect(serverBucket).toContain('route="/products/:id"');
    expect(text).toMatch(/http_client_request_duration_seconds_bucket\{[^}]*peer="orders"[^}]*\} \d+ # \{trace_id="[0-9a-f]{32}"\}/);
    expect(text).toMatch(/db_client_operation_duration_seconds_count\{db_system="sqlite",operation="SELECT"\} [1-9]/);
    expect(text).toMatch(
      /http_server_requests_total\{method="GET",route="\/products\/:id",status_class="2xx",exp_checkout_button=""\} [1-9]/,
    );
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(text).toContain('nodejs_eventloop_utilization_ratio');
    expect(text).toContain('http_server_active_requests');
  });
});

describe('experiments', () => {
  it('carry an assignment to the next service in baggage and attach it to logs, spans and metrics', async () => {
    const res = await get(`http://127.0.0.1:${apps[0]!.port}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ variant: 'blue' }),
    });
    expect(res.body.ok).toBe(true);
    const orders = apps[1]!;
    const access = await vi.waitFor(
      () =>
        present(
          "orders' access line of the request",
          orders.lines.find((l) => l.trace_id === res.txid && l.event === 'http.request'),
        ),
      { timeout: 10_000 },
    );
    expect(access.experiments).toEqual({ checkout_button: 'blue' });
    const ordersServer = await vi.waitFor(
      () =>
        present(
          "orders' server span",
          receiver.spans.find((s) => s.traceId === res.txid && s.service === 'orders' && s.kind === SERVER),
        ),
      { timeout: 15_000 },
    );
    expect(ordersServer.attributes['experiment.checkout_button']).toBe('blue');
    const gatewayServer = await vi.waitFor(
      () =>
        present(
          "the gateway's server span",
          receiver.spans.find((s) => s.traceId === res.txid && s.service === 'gateway' && s.kind === SERVER),
        ),
      { timeout: 15_000 },
    );
    expect(gatewayServer.events.map((e) => e.name)).toEqual(expect.arrayContaining(['checkout.step', 'order.placed']));
    const text = await (await fetch(`http://127.0.0.1:${metricsPorts[0]}/metrics`)).text();
    expect(text).toMatch(/shop_orders_total\{currency="EUR",exp_checkout_button="blue"\} 1/);
    expect(text).toMatch(/http_server_requests_total\{method="POST",route="\/checkout",status_class="2xx",exp_checkout_button="blue"\} 1/);
    const ordersMetrics = await (await fetch(`http://127.0.0.1:${metricsPorts[1]}/metrics`)).text();
    expect(ordersMetrics).toMatch(
      /http_server_requests_total\{method="GET",route="\/products\/:id",status_class="2xx",exp_checkout_button="blue"\} 1/,
    );
  });
});
