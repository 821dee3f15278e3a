// Pipeline health: what carries the telemetry. The collector's accepted, refused, sent and queued
// spans and logs, exporter failures, the agent's dropped telemetry, and every scrape target.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { prometheus } from '../datasources.ts';
import { boardLink, labelVariable, tablePanel, timeSeriesPanel } from '../panels.ts';
import { prom } from '../queries.ts';
import { uids } from '../uids.ts';

const collector = 'job="otel-collector"';
const rate = (metric: string, by: string) => `sum by (${by}) (rate(${metric}{${collector}}[$__rate_interval]))`;

export function pipelineBoard(): dashboardTypes.Dashboard {
  return newBoard(uids.pipeline, 'Pipeline health', 'The telemetry pipeline: what the collector accepted, refused, sent and queued, exporter failures, what the agent dropped, and every scrape target.')
    .withVariable(labelVariable('job', 'Job', 'up', 'job'))
    .link(boardLink('Runtime inspector', uids.runtime))
    .withPanel(tablePanel({
      title: 'Scrape targets', description: 'Each scrape target and whether Prometheus reached it at the last scrape (1 up, 0 down).',
      source: prometheus, w: 8, h: 9,
      targets: [prom('A', 'up{job=~"$job"}', { instant: true, format: 'table' })],
    }).withTransformation({ id: 'organize', options: { excludeByName: { Time: true, __name__: true }, renameByName: { Value: 'up' } } }))
    .withPanel(timeSeriesPanel({
      title: 'Accepted spans and log records', description: 'Spans and log records the collector took in per second, by receiver and transport.',
      source: prometheus, w: 16, h: 9,
      targets: [
        prom('A', rate('otelcol_receiver_accepted_spans', 'receiver, transport'), { legend: 'spans {{transport}}' }),
        prom('B', rate('otelcol_receiver_accepted_log_records', 'receiver, transport'), { legend: 'logs {{transport}}' }),
      ],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Refused and failed at the receiver', description: 'Refused: pushed back to the sender (the memory limiter). Failed: could not be taken in. Both 0 in a healthy pipeline.',
      source: prometheus, w: 12, h: 8,
      targets: [
        prom('A', rate('otelcol_receiver_refused_spans', 'receiver'), { legend: 'refused spans' }),
        prom('B', rate('otelcol_receiver_refused_log_records', 'receiver'), { legend: 'refused logs' }),
        prom('C', rate('otelcol_receiver_failed_spans', 'receiver'), { legend: 'failed spans' }),
        prom('D', rate('otelcol_receiver_failed_log_records', 'receiver'), { legend: 'failed logs' }),
      ],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Sent by exporter', description: 'Spans, log records and metric points each exporter delivered per second (Jaeger, VictoriaLogs, Prometheus).',
      source: prometheus, w: 12, h: 8,
      targets: [
        prom('A', rate('otelcol_exporter_sent_spans', 'exporter'), { legend: '{{exporter}} spans' }),
        prom('B', rate('otelcol_exporter_sent_log_records', 'exporter'), { legend: '{{exporter}} logs' }),
        prom('C', rate('otelcol_exporter_sent_metric_points', 'exporter'), { legend: '{{exporter}} points' }),
      ],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Exporter queues', description: "Batches waiting in each exporter's sending queue, against its capacity: a full queue drops.",
      source: prometheus, w: 12, h: 8,
      targets: [
        prom('A', `sum by (exporter) (otelcol_exporter_queue_size{${collector}})`, { legend: '{{exporter}} queued' }),
        prom('B', `sum by (exporter) (otelcol_exporter_queue_capacity{${collector}})`, { legend: '{{exporter}} capacity' }),
      ],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Exporter failures', description: 'Spans and log records an exporter gave up on after its retries. Empty unless an exporter gives up (its back end down longer than the 120 s retry window).',
      source: prometheus, w: 12, h: 8,
      targets: [
        prom('A', rate('otelcol_exporter_send_failed_spans', 'exporter'), { legend: '{{exporter}} spans' }),
        prom('B', rate('otelcol_exporter_send_failed_log_records', 'exporter'), { legend: '{{exporter}} logs' }),
      ],
    }))
    .withPanel(timeSeriesPanel({
      title: "Agent's dropped telemetry", description: 'Spans and log records the agent discarded, per service, signal and reason. Empty unless the agent drops telemetry (the collector unreachable).',
      source: prometheus, w: 12, h: 8,
      targets: [prom('A', 'sum by (service, signal, reason) (increase(shopscope_telemetry_dropped_total{job="shop"}[$__rate_interval]))', { legend: '{{service}} {{signal}} {{reason}}' })],
    }))
    .withPanel(timeSeriesPanel({
      title: 'Collector memory', description: "The collector's resident memory; the memory limiter refuses data near its limit.",
      source: prometheus, w: 12, h: 8, unit: 'bytes',
      targets: [prom('A', `sum(otelcol_process_memory_rss{${collector}})`, { legend: 'rss' })],
    }))
    .build();
}
