// Runtime inspector, after Pinpoint's inspector: each Node.js instance's event loop, heap, GC
// and in-flight requests.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { prometheus } from '../datasources.ts';
import { boardLink, labelVariable, timeSeriesPanel } from '../panels.ts';
import { prom } from '../queries.ts';
import { uids } from '../uids.ts';

const f = 'job=~"$job", service=~"$service", instance=~"$instance"';
const legend = '{{service}} {{instance}}';

export function runtimeBoard(): dashboardTypes.Dashboard {
  return newBoard(uids.runtime, 'Runtime inspector', 'Per Node.js instance: event-loop delay and utilisation, heap, garbage collection and requests in flight.')
    .withVariable(labelVariable('job', 'Job', 'nodejs_eventloop_utilization_ratio', 'job'))
    .withVariable(labelVariable('service', 'Service', 'nodejs_eventloop_utilization_ratio{job=~"$job"}', 'service'))
    .withVariable(labelVariable('instance', 'Instance', 'nodejs_eventloop_utilization_ratio{job=~"$job", service=~"$service"}', 'instance'))
    .link(boardLink('Service overview', uids.serviceOverview))
    .withPanel(timeSeriesPanel({
      title: 'Event-loop delay p99', description: 'How long a callback waited for the event loop (p99): above 200 ms requests queue behind a blocked loop.',
      source: prometheus, w: 12, h: 8, unit: 's',
      targets: [prom('A', `max by (service, instance) (nodejs_eventloop_lag_p99_seconds{${f}})`, { legend })],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Event-loop utilisation', description: 'Share of time the event loop was busy (1 = saturated).',
      source: prometheus, w: 12, h: 8, unit: 'percentunit',
      targets: [prom('A', `max by (service, instance) (nodejs_eventloop_utilization_ratio{${f}})`, { legend })],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Heap used and total', description: 'V8 heap in use and allocated, per instance.',
      source: prometheus, w: 12, h: 8, unit: 'bytes',
      targets: [
        prom('A', `sum by (service, instance) (nodejs_heap_size_used_bytes{${f}})`, { legend: `${legend} used` }),
        prom('B', `sum by (service, instance) (nodejs_heap_size_total_bytes{${f}})`, { legend: `${legend} total` }),
      ],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Resident memory', description: 'Resident set size of each process.',
      source: prometheus, w: 12, h: 8, unit: 'bytes',
      targets: [prom('A', `sum by (service, instance) (process_resident_memory_bytes{${f}})`, { legend })],
    }))
    .withPanel(timeSeriesPanel({
      title: 'GC time by kind', description: 'Seconds per second spent in garbage collection, by kind (minor, major, incremental).',
      source: prometheus, w: 12, h: 8, unit: 's',
      targets: [prom('A', `sum by (service, kind) (rate(nodejs_gc_duration_seconds_sum{${f}}[$__rate_interval]))`, { legend: '{{service}} {{kind}}' })],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Active requests', description: 'HTTP requests in flight, per instance.',
      source: prometheus, w: 12, h: 8,
      targets: [prom('A', `sum by (service, instance) (http_server_active_requests{${f}})`, { legend })],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Active handles', description: 'Open handles (sockets, timers, files) per instance: a steady climb is a leak.',
      source: prometheus, w: 12, h: 8,
      targets: [prom('A', `sum by (service, instance) (nodejs_active_handles_total{${f}})`, { legend })],
    }))
    .withPanel(timeSeriesPanel({
      title: 'CPU', description: 'CPU seconds per second of each process.',
      source: prometheus, w: 12, h: 8, unit: 'percentunit',
      targets: [prom('A', `sum by (service, instance) (rate(process_cpu_seconds_total{${f}}[$__rate_interval]))`, { legend })],
    }))
    .build();
}
