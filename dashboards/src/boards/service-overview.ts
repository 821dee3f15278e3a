// Service overview: per service and route, the RED view (rate, errors, duration) from the
// collector's span metrics, which carry the deployment environment; the agent's own histograms
// below, with exemplars that open the trace.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { prometheus } from '../datasources.ts';
import { boardLink, labelVariable, narrowingLabelVariables, promTimeSeriesPanel, tablePanel, type PromLine } from '../panels.ts';
import { prom } from '../queries.ts';
import { uids } from '../uids.ts';

const spans = 'service_name=~"$service", http_route=~"$route", deployment_environment_name=~"$environment", span_kind="SPAN_KIND_SERVER"';
const agent = 'job="shop", service=~"$service", route=~"$route"';
const by = 'service_name, http_route';
const routeLegend = '{{service_name}} {{http_route}}';

/** Errors over all requests; a route without errors shows 0, not a gap. */
const errorRatio = (labels: string, errorMatcher: string, allMatcher: string, metric: string) =>
  `(sum by (${labels}) (rate(${metric}{${errorMatcher}}[$__rate_interval])) or 0 * sum by (${labels}) (rate(${metric}{${allMatcher}}[$__rate_interval])))\n/\nsum by (${labels}) (rate(${metric}{${allMatcher}}[$__rate_interval]))`;

export function serviceOverviewBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.serviceOverview,
    'Service overview',
    'Per service and route: request rate, error ratio and latency percentiles, with exemplars that open the trace.',
    [
      ...narrowingLabelVariables('traces_spanmetrics_calls_total', [
        ['service', 'Service', 'service_name'],
        ['route', 'Route', 'http_route'],
      ]),
      labelVariable('environment', 'Environment', 'traces_spanmetrics_calls_total', 'deployment_environment_name'),
    ],
  )
    .link(boardLink('Transactions', uids.transactions))
    .link(boardLink('Service map', uids.serviceMap))
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Request rate by service and route',
          description: 'Requests per second each service answers, per route (server spans).',
          w: 12,
          h: 8,
          unit: 'reqps',
        },
        [[`sum by (${by}) (rate(traces_spanmetrics_calls_total{${spans}}[$__rate_interval]))`, routeLegend]],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Error ratio by service and route',
          description: 'Share of requests whose span ended in error (5xx, exceptions); 0 when none failed.',
          w: 12,
          h: 8,
          unit: 'percentunit',
        },
        [[errorRatio(by, `${spans}, status_code="STATUS_CODE_ERROR"`, spans, 'traces_spanmetrics_calls_total'), routeLegend]],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Latency p50 / p95 / p99',
          description:
            'Response time percentiles over the selected services and routes; the points are exemplars, each a link to its trace in Jaeger.',
          w: 12,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [50, 95, 99].map((p): PromLine => [
          `histogram_quantile(0.${p}, sum by (le) (rate(traces_spanmetrics_duration_seconds_bucket{${spans}}[$__rate_interval])))`,
          `p${p}`,
        ]),
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'p95 latency by service and route',
          description: 'The slowest routes stand out here; exemplars link to a trace of each.',
          w: 12,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [
          [
            `histogram_quantile(0.95, sum by (le, ${by}) (rate(traces_spanmetrics_duration_seconds_bucket{${spans}}[$__rate_interval])))`,
            routeLegend,
          ],
        ],
      ),
    )
    .withPanel(
      tablePanel({
        title: 'Routes over the time range',
        description: 'Each route: requests, error ratio and p95 over the whole selected range.',
        source: prometheus,
        w: 24,
        h: 8,
        targets: [
          prom('A', `sum by (${by}) (increase(traces_spanmetrics_calls_total{${spans}}[$__range]))`, { instant: true, format: 'table' }),
          prom('B', `histogram_quantile(0.95, sum by (le, ${by}) (rate(traces_spanmetrics_duration_seconds_bucket{${spans}}[$__range])))`, {
            instant: true,
            format: 'table',
          }),
        ],
      })
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: { excludeByName: { Time: true }, renameByName: { 'Value #A': 'requests', 'Value #B': 'p95 (s)' } },
        }),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: "5xx ratio from the agent's metrics",
          description: "The same error ratio from each service's own /metrics (what the HighErrorRatio alert reads).",
          w: 12,
          h: 8,
          unit: 'percentunit',
        },
        [[errorRatio('service', `${agent}, status_class="5xx"`, agent, 'http_server_request_duration_seconds_count'), '{{service}}']],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: "p99 latency from the agent's histograms",
          description: "Each service's p99 from its own histograms; exemplars carry the trace id the agent recorded.",
          w: 12,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [
          [
            `histogram_quantile(0.99, sum by (le, service) (rate(http_server_request_duration_seconds_bucket{${agent}}[$__rate_interval])))`,
            '{{service}}',
          ],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Outbound calls by peer',
          description: 'Calls each service makes to other services, per peer, and the share that failed.',
          w: 12,
          h: 8,
          unit: 'reqps',
        },
        [
          [
            'sum by (service, peer) (rate(http_client_requests_total{job="shop", service=~"$service"}[$__rate_interval]))',
            '{{service}} → {{peer}}',
          ],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Database p95 by operation',
          description: 'Time of database operations (SQLite or PostgreSQL) per service and statement kind.',
          w: 12,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [
          [
            'histogram_quantile(0.95, sum by (le, service, operation) (rate(db_client_operation_duration_seconds_bucket{job="shop", service=~"$service"}[$__rate_interval])))',
            '{{service}} {{operation}}',
          ],
        ],
      ),
    )
    .build();
}
