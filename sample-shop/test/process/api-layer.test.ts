import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OtlpReceiver, present, type ReceivedSpan } from '@shopscope/testkit';
import { launchShop, stopShop, waitHealthy, type LaunchedService } from '../../src/launcher.ts';
import { dbMode, shopEnvironment } from '../support/shop.ts';
import { api } from '../support/client.ts';

// The gateway, catalog and inventory as their own processes under the agent
// (`--import @shopscope/agent/register`), exporting to a local OTLP receiver: the gateway's
// metrics on its /metrics, the search span and metric, and the GraphQL trace with the agent's
// N+1 detector flagging the demo's naive field.

// One run is enough: shop-postgres would launch the same processes again for the one line that
// differs (the span's `search.engine`); both engines' search is tested in test/api/search.test.ts.
describe.skipIf(dbMode === 'postgres')('the API layer under the agent (run by shop-sqlite only: see above)', () => {
  const keys = { mobile: 'mobile-key-0123', partner: 'partner-key-4567' };
  const receiver = new OtlpReceiver();
  let running: LaunchedService[] = [];
  let dataDir = '';
  let gateway = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const shop = await shopEnvironment({
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      SHOPSCOPE_API_KEYS: `mobile:${keys.mobile},partner:${keys.partner}`,
      SHOPSCOPE_RATE_LIMIT: '30',
    });
    env = shop.env;
    dataDir = shop.dataDir;
    running = await launchShop({ env, services: ['inventory', 'catalog', 'gateway'], onLine: () => undefined });
    gateway = `http://127.0.0.1:${env.SHOPSCOPE_GATEWAY_PORT}`;
    await waitHealthy(gateway);
  });

  afterAll(async () => {
    await stopShop(running);
    await receiver.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Prometheus text → the value of the one series of `name` whose labels include `labels`. */
  function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
    for (const line of text.split('\n')) {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match || match[1] !== name) continue;
      const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
    }
    return undefined;
  }

  async function metricsOf(service: 'gateway' | 'catalog'): Promise<string> {
    const port = env[`SHOPSCOPE_${service.toUpperCase()}_METRICS_PORT`];
    return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  }

  const spansOf = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);

  describe('gateway metrics (per route and consumer, like Kong and Envoy)', () => {
    it('counts requests per route template and consumer, and splits their time into upstream and gateway', async () => {
      for (let i = 0; i < 3; i++)
        expect((await api(gateway, 'GET', `/api/products/p-000${i + 1}`, undefined, { 'x-api-key': keys.mobile })).status).toBe(200);
      expect((await api(gateway, 'GET', '/api/categories')).status).toBe(200);
      const refused = await api(gateway, 'GET', '/api/categories', undefined, { 'x-api-key': 'not-a-known-key' });
      expect(refused.status).toBe(401);
      expect(refused.body.error.code).toBe('unauthorized');

      const text = await vi.waitFor(async () => {
        const body = await metricsOf('gateway');
        expect(sample(body, 'gateway_requests_total', { route: '/api/products/:id', consumer: 'mobile', status_class: '2xx' })).toBe(3);
        expect(sample(body, 'gateway_requests_total', { route: '/api/categories', consumer: 'anonymous', status_class: '4xx' })).toBe(1);
        return body;
      });
      expect(sample(text, 'gateway_requests_total', { route: '/api/categories', consumer: 'anonymous', status_class: '2xx' })).toBe(1);
      expect(sample(text, 'gateway_requests_total', { route: '/api/categories', consumer: 'anonymous', status_class: '4xx' })).toBe(1);
      expect(text).not.toContain(keys.mobile);
      const sum = (kind: string) => sample(text, 'gateway_latency_seconds_sum', { route: '/api/products/:id', consumer: 'mobile', kind })!;
      expect(sample(text, 'gateway_latency_seconds_count', { route: '/api/products/:id', consumer: 'mobile', kind: 'upstream' })).toBe(3);
      expect(sum('upstream')).toBeGreaterThan(0);
      expect(sum('upstream')).toBeLessThanOrEqual(sum('request'));
      expect(sum('gateway')).toBeGreaterThan(0);
      expect(sum('gateway') + sum('upstream')).toBeCloseTo(sum('request'), 6);
    });

    it('counts the rate limiter decisions per consumer, a 429 as limited', async () => {
      const answers = await Promise.all(
        Array.from({ length: 70 }, () => api(gateway, 'GET', '/api/categories', undefined, { 'x-api-key': keys.partner })),
      );
      const limited = answers.filter((answer) => answer.status === 429).length;
      const allowed = answers.filter((answer) => answer.status === 200).length;
      expect(limited).toBeGreaterThanOrEqual(1);
      expect(allowed + limited).toBe(70);
      // the partner's bucket is its own: an anonymous request is still allowed
      expect((await api(gateway, 'GET', '/api/categories')).status).toBe(200);
      // requests are counted when their answer has gone out (onResponse): wait for the last ones
      const text = await vi.waitFor(async () => {
        const body = await metricsOf('gateway');
        expect(sample(body, 'gateway_requests_total', { route: '/api/categories', consumer: 'partner', status_class: '4xx' })).toBe(
          limited,
        );
        return body;
      });
      const decisions = (decision: string) =>
        sample(text, 'gateway_rate_limit_decisions_total', { route: '/api/categories', consumer: 'partner', decision });
      expect(decisions('limited')).toBe(limited);
      expect(decisions('allowed')).toBe(allowed);
    });
  });

  describe('search under the agent', () => {
    it('has its own span and latency metric, per engine', async () => {
      const engine = dbMode === 'sqlite' ? 'sqlite-fts5' : 'postgres-fts';
      const res = await api(gateway, 'GET', '/api/products?q=nordic%20kettle', undefined, { 'x-api-key': keys.mobile });
      expect(res.body.items).toHaveLength(1);
      const traceId = res.headers.get('x-transaction-id')!;
      const span = await receiver.waitFor(() => spansOf(traceId).find((s) => s.name === 'search products'));
      expect(span.service).toBe('catalog');
      expect(span.attributes).toMatchObject({ 'search.engine': engine, 'search.results': 1, 'search.total': 1, 'search.terms': 2 });
      // the search's SQL is a child of its span
      await receiver.waitFor(() => spansOf(traceId).some((s) => s.parentSpanId === span.spanId && s.kind === 3));
      expect(sample(await metricsOf('catalog'), 'search_query_duration_seconds_count', { engine })).toBeGreaterThanOrEqual(1);
    });
  });

  describe('GraphQL under the agent', () => {
    it('traces the operation with the axios calls to the services, and flags the naive field as N+1', async () => {
      const query = 'query Shelf { products(limit: 5, category: "garden") { items { id name stock category { name } } } }';
      const res = await api(gateway, 'POST', '/graphql', { query }, { 'x-api-key': keys.mobile });
      expect(res.status).toBe(200);
      expect(res.body.data.products.items).toHaveLength(5);
      const traceId = res.headers.get('x-transaction-id')!;
      const gatewaySpans = () => spansOf(traceId).filter((s) => s.service === 'gateway');

      // outbound CLIENT spans through axios (node:http), each naming its peer
      const stockCalls = await receiver.waitFor(() => {
        const calls = gatewaySpans().filter((s) => s.kind === 3 && s.attributes['peer.service'] === 'inventory');
        return calls.length === 5 && calls;
      });
      expect(stockCalls).toHaveLength(5);
      const catalogCalls = gatewaySpans().filter((s) => s.kind === 3 && s.attributes['peer.service'] === 'catalog');
      // the page, and the categories once through the DataLoader
      expect(catalogCalls).toHaveLength(2);

      const flagged = await receiver.waitFor(() => {
        const events = gatewaySpans().flatMap((s: ReceivedSpan) => s.events.filter((e) => e.name === 'graphql.n_plus_one'));
        return events.length > 0 && events;
      });
      expect(flagged).toEqual([
        {
          name: 'graphql.n_plus_one',
          attributes: expect.objectContaining({
            'graphql.field.path': 'products.items.*.stock',
            'graphql.n_plus_one.kind': 'http',
            'graphql.n_plus_one.db_calls': 5,
          }),
        },
      ]);
      const metrics = await vi.waitFor(async () => {
        const body = await metricsOf('gateway');
        expect(sample(body, 'gateway_requests_total', { route: '/graphql', consumer: 'mobile', status_class: '2xx' })).toBe(1);
        return body;
      });
      expect(sample(metrics, 'graphql_n_plus_one_total', { field_path: 'products.items.*.stock' })).toBeGreaterThanOrEqual(1);
      expect(metrics).not.toMatch(/graphql_n_plus_one_total\{[^}]*category/);
      expect(sample(metrics, 'graphql_server_operation_duration_seconds_count', { operation_name: 'Shelf', operation_type: 'query' })).toBe(
        1,
      );
      expect(sample(metrics, 'http_client_requests_total', { peer: 'inventory' })).toBeGreaterThanOrEqual(5);

      // graphql-js's own steps as spans: parse, validate, the operation and its resolvers (trivial ones merged away)
      const names = gatewaySpans().map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate']));
      present(
        'operation span',
        names.find((name) => /query Shelf/.test(name)),
      );
      expect(gatewaySpans().filter((s) => s.name.startsWith('graphql.resolve')).length).toBeLessThan(20);
    });

    it('answers a GraphQL error with a code, not a 5xx, when a service is down', async () => {
      const inventory = running.find((s) => s.name === 'inventory')!;
      inventory.child.kill('SIGTERM');
      await inventory.exited;
      running = running.filter((s) => s !== inventory);
      const res = await api(gateway, 'POST', '/graphql', { query: '{ product(id: "p-0001") { name stock } }' });
      expect(res.status).toBe(200);
      expect(res.body.data.product).toEqual({ name: expect.any(String), stock: null });
      expect(res.body.errors).toEqual([
        expect.objectContaining({ path: ['product', 'stock'], extensions: { code: 'service_unavailable', status: 503 } }),
      ]);
    });
  });
});
