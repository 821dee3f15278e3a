import { describe, expect, it } from 'vitest';
import { createRedMetrics } from '../../src/metrics/red-metrics.ts';

const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('RED metrics', () => {
  it('serves OpenMetrics with the trace id as exemplar on duration histograms', async () => {
    const metrics = createRedMetrics([], 100);
    metrics.serverDuration.observe(['GET', '/products/:id', '2xx'], 0.042, TRACE);
    metrics.dbDuration.observe(['sqlite', 'SELECT'], 0.0003, TRACE);
    metrics.clientDuration.observe(['catalog', 'GET', '2xx'], 0.01);
    const text = await metrics.registry.metrics();
    expect(metrics.registry.contentType).toContain('application/openmetrics-text');
    expect(text).toContain(
      `http_server_request_duration_seconds_bucket{le="0.05",method="GET",route="/products/:id",status_class="2xx"} 1 # {trace_id="${TRACE}"} 0.042`,
    );
    expect(text).toMatch(
      new RegExp(
        `db_client_operation_duration_seconds_bucket\\{le="0.001",db_system="sqlite",operation="SELECT"\\} 1 # \\{trace_id="${TRACE}"\\}`,
      ),
    );
    expect(text).toMatch(/http_client_request_duration_seconds_bucket\{le="0.01",peer="catalog",method="GET",status_class="2xx"\} 1\n/);
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
  });

  it('folds label sets past the cap into "other" and counts the overflow', async () => {
    const metrics = createRedMetrics([], 3);
    for (const route of ['/a', '/b', '/c', '/d', '/e', '/a']) metrics.serverRequests.inc(['GET', route, '2xx']);
    const text = await metrics.registry.metrics();
    const series = text.split('\n').filter((l) => l.startsWith('http_server_requests_total{'));
    expect(series).toEqual([
      'http_server_requests_total{method="GET",route="/a",status_class="2xx"} 2',
      'http_server_requests_total{method="GET",route="/b",status_class="2xx"} 1',
      'http_server_requests_total{method="GET",route="/c",status_class="2xx"} 1',
      'http_server_requests_total{method="other",route="other",status_class="other"} 2',
    ]);
    expect(text).toContain('shopscope_metric_label_overflow_total{metric="http_server_requests_total"} 2');
  });

  it('adds one label per declared experiment, fixed at construction', async () => {
    const metrics = createRedMetrics([{ name: 'checkout_button', variants: ['control', 'blue'] }], 100);
    expect(metrics.experimentLabels).toEqual(['exp_checkout_button']);
    metrics.orders.inc(['EUR', 'blue']);
    metrics.revenue.inc(['EUR', 'blue'], 19.5);
    const text = await metrics.registry.metrics();
    expect(text).toContain('shop_orders_total{currency="EUR",exp_checkout_button="blue"} 1');
    expect(text).toContain('shop_revenue_total{currency="EUR",exp_checkout_button="blue"} 19.5');
  });

  it('counts dropped telemetry by signal and reason', async () => {
    const metrics = createRedMetrics([], 10);
    metrics.countDrop('spans', 512, 'export_failed');
    metrics.countDrop('logs', 1, 'queue_full');
    const text = await metrics.registry.metrics();
    expect(text).toContain('shopscope_telemetry_dropped_total{signal="spans",reason="export_failed"} 512');
    expect(text).toContain('shopscope_telemetry_dropped_total{signal="logs",reason="queue_full"} 1');
  });
});
