// Runtime inspector, after Pinpoint's inspector: each Node.js instance's event loop, heap, GC
// and in-flight requests.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { boardLink, narrowingLabelVariables, promTimeSeriesPanel, type PromLine } from '../panels.ts';
import { uids } from '../uids.ts';

const f = 'job=~"$job", service=~"$service", instance=~"$instance"';
const legend = '{{service}} {{instance}}';
/** A gauge of the selected instances, one line per instance (`max` or `sum` of its series). */
const perInstance = (aggregation: 'max' | 'sum', metric: string): PromLine => [
  `${aggregation} by (service, instance) (${metric}{${f}})`,
  legend,
];

/** A 12×8 time series of the selected instances. */
const instancePanel = (title: string, description: string, unit: string, lines: PromLine[]) =>
  promTimeSeriesPanel({ title, description, w: 12, h: 8, unit }, lines);

export function runtimeBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.runtime,
    'Runtime inspector',
    'Per Node.js instance: event-loop delay and utilisation, heap, garbage collection and requests in flight.',
    narrowingLabelVariables('nodejs_eventloop_utilization_ratio', [
      ['job', 'Job', 'job'],
      ['service', 'Service', 'service'],
      ['instance', 'Instance', 'instance'],
    ]),
  )
    .link(boardLink('Service overview', uids.serviceOverview))
    .withPanel(
      instancePanel(
        'Event-loop delay p99',
        'How long a callback waited for the event loop (p99): above 200 ms requests queue behind a blocked loop.',
        's',
        [perInstance('max', 'nodejs_eventloop_lag_p99_seconds')],
      ),
    )
    .withPanel(
      instancePanel('Event-loop utilisation', 'Share of time the event loop was busy (1 = saturated).', 'percentunit', [
        perInstance('max', 'nodejs_eventloop_utilization_ratio'),
      ]),
    )
    .withPanel(
      instancePanel('Heap used and total', 'V8 heap in use and allocated, per instance.', 'bytes', [
        [`sum by (service, instance) (nodejs_heap_size_used_bytes{${f}})`, `${legend} used`],
        [`sum by (service, instance) (nodejs_heap_size_total_bytes{${f}})`, `${legend} total`],
      ]),
    )
    .withPanel(
      instancePanel('Resident memory', 'Resident set size of each process.', 'bytes', [
        perInstance('sum', 'process_resident_memory_bytes'),
      ]),
    )
    .withPanel(
      instancePanel('GC time by kind', 'Seconds per second spent in garbage collection, by kind (minor, major, incremental).', 's', [
        [`sum by (service, kind) (rate(nodejs_gc_duration_seconds_sum{${f}}[$__rate_interval]))`, '{{service}} {{kind}}'],
      ]),
    )
    .withPanel(
      instancePanel('Active requests', 'HTTP requests in flight, per instance.', 'short', [
        perInstance('sum', 'http_server_active_requests'),
      ]),
    )
    .withPanel(
      instancePanel('Active handles', 'Open handles (sockets, timers, files) per instance: a steady climb is a leak.', 'short', [
        perInstance('sum', 'nodejs_active_handles_total'),
      ]),
    )
    .withPanel(
      instancePanel('CPU', 'CPU seconds per second of each process.', 'percentunit', [
        [`sum by (service, instance) (rate(process_cpu_seconds_total{${f}}[$__rate_interval]))`, legend],
      ]),
    )
    .build();
}
