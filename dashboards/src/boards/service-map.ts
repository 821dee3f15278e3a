// Service map, after Pinpoint's ServerMap: the collector's service-graph metrics as a node graph
// (services, the database and other peers; calls, errors and latency on each edge), and
// Jaeger's own dependency graph beside it.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { jaeger, prometheus } from '../datasources.ts';
import { boardLink, nodeGraphPanel, tablePanel } from '../panels.ts';
import { jaegerDependencies, prom } from '../queries.ts';
import { uids } from '../uids.ts';

const edge = (expr: string) => `label_join(${expr}, "id", "->", "client", "server")`;
const calls = 'sum by (client, server) (increase(traces_service_graph_request_total[$__range]))';
const failed = 'sum by (client, server) (increase(traces_service_graph_request_failed_total[$__range]))';
const p95 = 'histogram_quantile(0.95, sum by (le, client, server) (rate(traces_service_graph_request_server_seconds_bucket[$__range])))';
const errorShare = `(${failed} or 0 * ${calls}) / ${calls}`;
const nodes =
  'sum by (id) (label_replace(increase(traces_service_graph_request_total[$__range]), "id", "$1", "server", "(.*)"))\nor\nsum by (id) (label_replace(increase(traces_service_graph_request_total[$__range]), "id", "$1", "client", "(.*)"))';

export function serviceMapBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.serviceMap,
    'Service map',
    'Who calls whom: services, the database and other peers, with calls, errors and latency on each edge (Pinpoint-style ServerMap).',
  )
    .link(boardLink('Service overview', uids.serviceOverview))
    .withPanel(
      nodeGraphPanel({
        title: 'Service map',
        description:
          'Nodes are services and peers (user is the outside caller); each edge shows its calls over the range, the share that failed and its p95 latency.',
        source: prometheus,
        w: 24,
        h: 14,
        targets: [
          prom('A', edge(calls), { instant: true, format: 'table' }),
          prom('B', edge(errorShare), { instant: true, format: 'table' }),
          prom('C', edge(p95), { instant: true, format: 'table' }),
          prom('D', nodes, { instant: true, format: 'table' }),
        ],
      })
        // the node graph reads an edges frame (id, source, target, mainstat…) and a nodes frame (id, mainstat)
        .withTransformation({ id: 'merge', options: {}, filter: { id: 'byRefId', options: '/^[ABC]$/' } })
        .withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true },
            renameByName: {
              client: 'source',
              server: 'target',
              'Value #A': 'mainstat',
              'Value #B': 'secondarystat',
              'Value #C': 'detail__p95_seconds',
              'Value #D': 'mainstat',
            },
          },
        }),
    )
    .withPanel(
      tablePanel({
        title: 'Edges',
        description: 'Every edge of the map: calls over the range, the share that failed and the p95 latency the server side measured.',
        source: prometheus,
        w: 12,
        h: 10,
        targets: [
          prom('A', calls, { instant: true, format: 'table' }),
          prom('B', errorShare, { instant: true, format: 'table' }),
          prom('C', p95, { instant: true, format: 'table' }),
        ],
      })
        .withTransformation({ id: 'merge', options: {} })
        .withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true },
            renameByName: { 'Value #A': 'calls', 'Value #B': 'failed share', 'Value #C': 'p95 (s)' },
          },
        }),
    )
    .withPanel(
      tablePanel({
        title: 'Database and outbound peers',
        description: "Calls from each service to its database and to other services, from the agent's client metrics.",
        source: prometheus,
        w: 12,
        h: 10,
        targets: [
          prom('A', 'sum by (service, db_system) (increase(db_client_operation_duration_seconds_count{job="shop"}[$__range]))', {
            instant: true,
            format: 'table',
          }),
          prom('B', 'sum by (service, peer) (increase(http_client_requests_total{job="shop"}[$__range]))', {
            instant: true,
            format: 'table',
          }),
        ],
      }),
    )
    .withPanel(
      nodeGraphPanel({
        title: "Jaeger's dependency graph",
        description: 'The same map as Jaeger computes it from the stored traces.',
        source: jaeger,
        w: 24,
        h: 12,
        targets: [jaegerDependencies('A')],
      }),
    )
    .build();
}
