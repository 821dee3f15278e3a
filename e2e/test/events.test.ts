// The shop's order events through a real Kafka broker, end to end: one checkout is one trace
// from the checkout's request to the orders producer span to the fulfilment consumer span; a
// broker outage delays events and loses none; the consumer's lag and the outbox's backlog are
// Prometheus series that move. One stack (with Kafka) and one shop for the whole file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchShop, serviceNames, stopShop, type LaunchedService } from '@shopscope/sample-shop';
import { buildAll, down, loadSettings, up } from '@shopscope/stack';
import { freePort, present } from '@shopscope/testkit';
import { jaegerTrace, promQuery, type TraceSpan } from './backends.ts';
import { agentBuilt, shopStackEnvironment } from './test-stack.ts';

const env = shopStackEnvironment('events');
const settings = loadSettings(env);
const ports = settings.ports;
const quiet = (): void => {};
const adminToken = 'events-admin';
const card = { cardNumber: '4242424242424242', expiry: '12/39', cvv: '321' };

const shop: LaunchedService[] = [];
const shopEnv: Record<string, string | undefined> = {};
let dataDir = '';
const url = (service: string, path: string) => `http://127.0.0.1:${shopEnv[`SHOPSCOPE_${service.toUpperCase()}_PORT`]}${path}`;

async function json<T>(target: string, init?: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(target, init);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

let bought = 0;
async function buyOne(): Promise<{ status: number; orderId: string; traceId: string }> {
  bought += 1;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    json<Record<string, any>>(url('gateway', path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const cart = await post('/api/carts', {});
  await post(`/api/carts/${cart.body.id}/items`, { productId: 'p-0003', quantity: 1 });
  const res = await post(
    '/api/checkout',
    { cartId: cart.body.id, email: `events.${bought}@example.com`, payment: card },
    {
      'idempotency-key': `events-${bought}-${Date.now()}`,
    },
  );
  return { status: res.status, orderId: String(res.body.orderId), traceId: res.headers.get('x-transaction-id') ?? '' };
}

interface Consumed {
  processed: Record<string, number>;
  consumer: { paused: boolean; handled: number; duplicates: number; lag: { partition: number; lag: number }[] | null } | null;
}
const consumed = async () => (await json<Consumed>(url('fulfilment', '/events'))).body;
const outbox = async () => (await json<{ pending: number; published: number; oldestAgeSeconds: number }>(url('orders', '/outbox'))).body;
const setFlags = async (flags: Record<string, unknown>) => {
  const res = await fetch(url('gateway', '/admin/flags'), {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
    body: JSON.stringify(flags),
  });
  expect(res.status).toBe(200);
};
const promSum = async (promQl: string) => (await promQuery(ports, promQl)).reduce((sum, s) => sum + Number(s.value[1]), 0);

describe.skipIf(!agentBuilt)('order events through Kafka', () => {
  beforeAll(async () => {
    await buildAll({ log: quiet });
    await down({ env, log: quiet });
    rmSync(settings.dataDir, { recursive: true, force: true });
    await up({ env, log: quiet });
    dataDir = mkdtempSync(join(tmpdir(), 'shopscope-events-shop-'));
    Object.assign(shopEnv, {
      SHOPSCOPE_DATA_DIR: dataDir,
      SHOPSCOPE_ADMIN_TOKEN: adminToken,
      SHOPSCOPE_RATE_LIMIT: '0',
      SHOPSCOPE_KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpHttp}`,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=events-test',
      OTEL_BSP_SCHEDULE_DELAY: '500',
    });
    for (const [index, name] of serviceNames.entries()) {
      shopEnv[`SHOPSCOPE_${name.toUpperCase()}_PORT`] = String(await freePort());
      shopEnv[`SHOPSCOPE_${name.toUpperCase()}_METRICS_PORT`] = String(ports.shopMetricsBase + index);
    }
    // The services' last lines, to say why one did not start.
    const lines: string[] = [];
    const keep = (service: string, line: string) => lines.push(`[${service}] ${line}`) > 200 && lines.shift();
    // The broker's JVM starts beside the shop's seven processes: on a busy 2-core machine they
    // may take longer than the launcher's default 30 s.
    shop.push(
      ...(await launchShop({ env: shopEnv as NodeJS.ProcessEnv, onLine: keep, healthTimeoutMs: 120_000 }).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${lines.slice(-40).join('\n')}`);
      })),
    );
  }, 10 * 60_000);

  afterAll(async () => {
    await stopShop(shop);
    await down({ env, log: quiet });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('one checkout is one trace: checkout request → orders producer span → fulfilment consumer span', async () => {
    const res = await buyOne();
    expect(res.status).toBe(201);
    const complete = (found: TraceSpan[]) => {
      const stored = new Set(found.map((s) => s.spanId));
      return (
        found.filter((s) => s.tags['span.kind'] === 'producer').length >= 2 &&
        found.filter((s) => s.tags['span.kind'] === 'consumer').length >= 2 &&
        found.every((s) => !s.parentSpanId || stored.has(s.parentSpanId))
      );
    };
    const spans = await vi.waitFor(
      async () => {
        const found = await jaegerTrace(ports, res.traceId);
        return present('the checkout trace with its producer and consumer spans', found && complete(found) ? found : undefined);
      },
      { timeout: 45_000, interval: 1_000 },
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const checkoutServer = spans.find((s) => s.service === 'orders' && s.tags['span.kind'] === 'server' && s.name.includes('/checkout'));
    expect(checkoutServer, 'the orders service span of POST /checkout').toBeDefined();
    const descendsFrom = (span: TraceSpan, ancestor: TraceSpan): boolean => {
      for (let at = byId.get(span.parentSpanId); at; at = byId.get(at.parentSpanId)) if (at.spanId === ancestor.spanId) return true;
      return false;
    };
    const producers = spans.filter((s) => s.tags['span.kind'] === 'producer');
    const consumers = spans.filter((s) => s.tags['span.kind'] === 'consumer');
    for (const producer of producers) {
      expect(producer.service).toBe('orders');
      expect(descendsFrom(producer, checkoutServer!), `${producer.name} under the checkout's span`).toBe(true);
      expect(producer.tags).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': 'shop.orders',
        'messaging.operation.type': 'send',
      });
    }
    for (const consumer of consumers) {
      expect(consumer.service).toBe('fulfilment');
      expect(byId.get(consumer.parentSpanId)?.tags['span.kind'], `${consumer.name}'s parent`).toBe('producer');
      expect(consumer.tags).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': 'shop.orders',
        'messaging.operation.type': 'process',
      });
    }
    // The paid event reserved the shipment and mailed the receipt.
    await vi.waitFor(async () => expect((await json(url('fulfilment', `/shipments/${res.orderId}`))).status).toBe(200), {
      timeout: 15_000,
    });
    const shipment = await json<Record<string, unknown>>(url('fulfilment', `/shipments/${res.orderId}`));
    expect(shipment.body).toMatchObject({ orderId: res.orderId, status: 'reserved' });
  });

  it('loses no event across a broker restart: every order confirms, and count in = count out once the broker is back', async () => {
    await vi.waitFor(async () => expect((await outbox()).pending).toBe(0), { timeout: 30_000 });
    const before = { outbox: await outbox(), consumed: await consumed() };
    await down({ env, components: ['kafka'], log: quiet });
    const orders: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await buyOne();
      expect(res.status, 'checkout with the broker down').toBe(201);
      orders.push(res.orderId);
    }
    // Two events an order (placed, paid), all waiting in the outbox.
    expect((await outbox()).pending).toBe(20);
    const started = performance.now();
    await up({ env, components: ['kafka'], log: quiet });
    const brokerUp = (performance.now() - started) / 1000;
    await vi.waitFor(async () => expect((await outbox()).pending).toBe(0), { timeout: 60_000, interval: 500 });
    const published = (performance.now() - started) / 1000;
    const after = await vi.waitFor(
      async () => {
        const now = await consumed();
        const paid = (now.processed['order.paid'] ?? 0) - (before.consumed.processed['order.paid'] ?? 0);
        return present('all 20 events consumed', paid >= 10 ? now : undefined);
      },
      { timeout: 60_000, interval: 500 },
    );
    const drained = (performance.now() - started) / 1000;
    const count = (await outbox()).published - before.outbox.published;
    const delta = (type: string) => (after.processed[type] ?? 0) - (before.consumed.processed[type] ?? 0);
    expect(count).toBe(20);
    expect(delta('order.placed') + delta('order.paid')).toBe(count);
    for (const orderId of orders) expect((await json(url('fulfilment', `/shipments/${orderId}`))).status).toBe(200);
    const mail = await json<{ mail: { orderId: string }[] }>(url('fulfilment', '/mail?limit=500'));
    for (const orderId of orders) expect(mail.body.mail.filter((m) => m.orderId === orderId)).toHaveLength(1);
    console.log(
      `events: broker answering after ${brokerUp.toFixed(1)}s, outbox published in ${published.toFixed(1)}s, all consumed in ${drained.toFixed(1)}s`,
    );
  });

  it('lag and outbox series are in Prometheus and move: a paused consumer lags, a resumed one catches up', async () => {
    await setFlags({ fulfilmentPaused: true });
    await vi.waitFor(async () => expect((await consumed()).consumer?.paused).toBe(true), { timeout: 10_000 });
    for (let i = 0; i < 3; i++) expect((await buyOne()).status).toBe(201);
    await vi.waitFor(
      async () =>
        expect(await promSum('sum(messaging_kafka_consumer_lag{job="shop",group="fulfilment",topic="shop.orders"})')).toBeGreaterThan(0),
      { timeout: 30_000, interval: 1_000 },
    );
    await setFlags({ fulfilmentPaused: false });
    await vi.waitFor(async () => expect(await promSum('sum(messaging_kafka_consumer_lag{job="shop",group="fulfilment"})')).toBe(0), {
      timeout: 30_000,
      interval: 1_000,
    });
    expect(await promQuery(ports, 'outbox_pending_events{job="shop",service="orders",outbox="orders"}')).toHaveLength(1);
    expect(await promQuery(ports, 'outbox_oldest_pending_age_seconds{job="shop",service="orders"}')).toHaveLength(1);
    expect(
      await promSum('sum(messaging_client_operation_duration_seconds_count{operation="publish",topic="shop.orders",system="kafka"})'),
    ).toBeGreaterThan(0);
    expect(
      await promSum('sum(messaging_client_operation_duration_seconds_count{operation="process",topic="shop.orders",system="kafka"})'),
    ).toBeGreaterThan(0);
    // The collector's service graph pairs the producer and consumer spans: an orders → fulfilment edge.
    await vi.waitFor(
      async () =>
        expect(
          await promSum('sum(traces_service_graph_request_total{client="orders",server="fulfilment",connection_type="messaging_system"})'),
        ).toBeGreaterThan(0),
      { timeout: 30_000, interval: 1_000 },
    );
  });
});
