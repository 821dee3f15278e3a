import { describe, expect, it } from 'vitest';
import { createRedMetrics } from '../../src/metrics/red-metrics.ts';
import { createAppMetrics } from '../../src/metrics/app-metrics.ts';

describe("the app's own metrics (metrics.counter / metrics.histogram)", () => {
  it("registers on the agent's registry, labels by name, capped like every agent metric", async () => {
    const red = createRedMetrics([], 2);
    const metrics = createAppMetrics(red);
    const requests = metrics.counter({ name: 'gateway_requests_total', help: 'requests', labelNames: ['route', 'consumer'] });
    requests.inc({ consumer: 'mobile', route: '/a' });
    requests.inc({ route: '/a', consumer: 'mobile' }, 2);
    requests.inc({ route: '/b', consumer: 'mobile' });
    requests.inc({ route: '/c', consumer: 'mobile' });
    requests.inc({ route: '/a', consumer: 'mobile' }, -5);
    const latency = metrics.histogram({
      name: 'search_query_duration_seconds',
      help: 'search',
      labelNames: ['engine'],
      buckets: [0.01, 0.1],
    });
    latency.observe({ engine: 'sqlite-fts5' }, 0.05);
    latency.observe({ engine: 'sqlite-fts5' }, Number.NaN);
    expect(metrics.counter({ name: 'gateway_requests_total', help: 'again', labelNames: ['route', 'consumer'] })).toBe(requests);

    const text = await red.registry.metrics();
    expect(text).toContain('gateway_requests_total{route="/a",consumer="mobile"} 3');
    expect(text).toContain('gateway_requests_total{route="/b",consumer="mobile"} 1');
    expect(text).toContain('gateway_requests_total{route="other",consumer="other"} 1');
    expect(text).toContain('shopscope_metric_label_overflow_total{metric="gateway_requests_total"} 1');
    expect(text).toContain('search_query_duration_seconds_bucket{le="0.1",engine="sqlite-fts5"} 1');
    expect(text).toContain('search_query_duration_seconds_count{engine="sqlite-fts5"} 1');
  });

  it('answers no-op metrics for bad definitions and when metrics are off, never throwing', async () => {
    const red = createRedMetrics([], 10);
    const metrics = createAppMetrics(red);
    const bad = metrics.counter({ name: 'bad name', help: 'x', labelNames: [] });
    expect(() => bad.inc({})).not.toThrow();
    const badLabel = metrics.histogram({ name: 'ok_seconds', help: 'x', labelNames: ['__reserved'] });
    expect(() => badLabel.observe({ __reserved: 'x' }, 1)).not.toThrow();
    // a name the agent already uses is refused by prom-client's registry: a warning, not a throw
    expect(() => metrics.counter({ name: 'http_server_requests_total', help: 'x', labelNames: [] }).inc({})).not.toThrow();
    const text = await red.registry.metrics();
    expect(text).not.toContain('bad name');
    expect(text).not.toContain('ok_seconds');

    const off = createAppMetrics(undefined);
    expect(() => off.counter({ name: 'x_total', help: 'x', labelNames: ['a'] }).inc({ a: 'b' })).not.toThrow();
    expect(() => off.histogram({ name: 'x_seconds', help: 'x', labelNames: [] }).observe({}, 1)).not.toThrow();
  });
});
