// Transactions, after Pinpoint's scatter chart: every request's response time as a heatmap with
// exemplars, and the slowest and the failed traces from Jaeger, each row a link to its trace.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { jaeger, prometheus } from '../datasources.ts';
import { boardLink, heatmapPanel, promTimeSeriesPanel, tablePanel } from '../panels.ts';
import { jaegerSearch, prom } from '../queries.ts';
import { uids } from '../uids.ts';

const serviceVariable = () => {
  const query = 'label_values(http_server_request_duration_seconds_count{job="shop"}, service)';
  // One service at a time: Jaeger's search takes exactly one.
  return new dashboard.QueryVariableBuilder('service')
    .label('Service')
    .datasource(prometheus)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .current({ selected: true, text: 'orders', value: 'orders' });
};

const sortedByDuration = { id: 'sortBy', options: { sort: [{ field: 'Duration', desc: true }] } };

export function transactionsBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.transactions,
    'Transactions',
    "Every request's response time (Pinpoint's scatter), and the slowest and failed traces, each a link to the trace.",
    [serviceVariable()],
  )
    .link(boardLink('Service overview', uids.serviceOverview))
    .link(boardLink('Logs', uids.logs))
    .withPanel(
      heatmapPanel({
        title: 'Response time scatter',
        description: 'Requests of the service per time and response-time bucket; exemplar points open their trace.',
        source: prometheus,
        w: 24,
        h: 10,
        unit: 's',
        targets: [
          prom(
            'A',
            'sum by (le) (increase(http_server_request_duration_seconds_bucket{job="shop", service="$service"}[$__rate_interval]))',
            { format: 'heatmap', exemplar: true, legend: '{{le}}' },
          ),
        ],
      }),
    )
    .withPanel(
      tablePanel({
        title: 'Slowest traces',
        description: 'Traces of the service that took 20 ms or longer, slowest first; the trace id opens the trace.',
        source: jaeger,
        w: 12,
        h: 10,
        targets: [jaegerSearch('A', { service: '$service', minDuration: '20ms', limit: 50 })],
      }).withTransformation(sortedByDuration),
    )
    .withPanel(
      tablePanel({
        title: 'Failed traces',
        description:
          'Traces of the service with a span in error (declined cards, provider errors, 5xx). Empty unless a request of the service failed.',
        source: jaeger,
        w: 12,
        h: 10,
        targets: [jaegerSearch('A', { service: '$service', tags: 'error=true', limit: 50 })],
      }).withTransformation(sortedByDuration),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'p95 by route',
          description: "The service's routes' 95th percentile, from the same histograms; exemplars link to traces.",
          w: 24,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [
          [
            'histogram_quantile(0.95, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{job="shop", service="$service"}[$__rate_interval])))',
            '{{route}}',
          ],
        ],
      ),
    )
    .build();
}
