// Pipeline health: what carries the telemetry. The collector's accepted, refused, sent and queued
// spans and logs, exporter failures, the agent's dropped telemetry, and every scrape target.
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { prometheus } from '../datasources.ts';
import { boardLink, labelVariable, promTimeSeriesPanel, tablePanel } from '../panels.ts';
import { prom } from '../queries.ts';
import { uids } from '../uids.ts';

const collector = 'job="otel-collector"';
/** The collector's per-second rate of a counter, summed by `by`. */
const rate = (metric: string, by: string) => `sum by (${by}) (rate(${metric}{${collector}}[$__rate_interval]))`;

export function pipelineBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.pipeline,
    'Pipeline health',
    'The telemetry pipeline: what the collector accepted, refused, sent and queued, exporter failures, what the agent dropped, and every scrape target.',
    [labelVariable('job', 'Job', 'up', 'job')],
  )
    .link(boardLink('Runtime inspector', uids.runtime))
    .withPanel(
      tablePanel({
        title: 'Scrape targets',
        description: 'Each scrape target and whether Prometheus reached it at the last scrape (1 up, 0 down).',
        source: prometheus,
        w: 8,
        h: 9,
        targets: [prom('A', 'up{job=~"$job"}', { instant: true, format: 'table' })],
      }).withTransformation({ id: 'organize', options: { excludeByName: { Time: true, __name__: true }, renameByName: { Value: 'up' } } }),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Accepted spans and log records',
          description: 'Spans and log records the collector took in per second, by receiver and transport.',
          w: 16,
          h: 9,
        },
        [
          [rate('otelcol_receiver_accepted_spans', 'receiver, transport'), 'spans {{transport}}'],
          [rate('otelcol_receiver_accepted_log_records', 'receiver, transport'), 'logs {{transport}}'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Refused and failed at the receiver',
          description:
            'Refused: pushed back to the sender (the memory limiter). Failed: could not be taken in. Both 0 in a healthy pipeline.',
          w: 12,
          h: 8,
        },
        [
          [rate('otelcol_receiver_refused_spans', 'receiver'), 'refused spans'],
          [rate('otelcol_receiver_refused_log_records', 'receiver'), 'refused logs'],
          [rate('otelcol_receiver_failed_spans', 'receiver'), 'failed spans'],
          [rate('otelcol_receiver_failed_log_records', 'receiver'), 'failed logs'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Sent by exporter',
          description: 'Spans, log records and metric points each exporter delivered per second (Jaeger, VictoriaLogs, Prometheus).',
          w: 12,
          h: 8,
        },
        [
          [rate('otelcol_exporter_sent_spans', 'exporter'), '{{exporter}} spans'],
          [rate('otelcol_exporter_sent_log_records', 'exporter'), '{{exporter}} logs'],
          [rate('otelcol_exporter_sent_metric_points', 'exporter'), '{{exporter}} points'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Exporter queues',
          description: "Batches waiting in each exporter's sending queue, against its capacity: a full queue drops.",
          w: 12,
          h: 8,
        },
        [
          [`sum by (exporter) (otelcol_exporter_queue_size{${collector}})`, '{{exporter}} queued'],
          [`sum by (exporter) (otelcol_exporter_queue_capacity{${collector}})`, '{{exporter}} capacity'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Exporter failures',
          description:
            'Spans and log records an exporter gave up on after its retries. Empty unless an exporter gives up (its back end down longer than the 120 s retry window).',
          w: 12,
          h: 8,
        },
        [
          [rate('otelcol_exporter_send_failed_spans', 'exporter'), '{{exporter}} spans'],
          [rate('otelcol_exporter_send_failed_log_records', 'exporter'), '{{exporter}} logs'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: "Agent's dropped telemetry",
          description:
            'Spans and log records the agent discarded, per service, signal and reason. Empty unless the agent drops telemetry (the collector unreachable).',
          w: 12,
          h: 8,
        },
        [
          [
            'sum by (service, signal, reason) (increase(shopscope_telemetry_dropped_total{job="shop"}[$__rate_interval]))',
            '{{service}} {{signal}} {{reason}}',
          ],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Collector memory',
          description: "The collector's resident memory; the memory limiter refuses data near its limit.",
          w: 12,
          h: 8,
          unit: 'bytes',
        },
        [[`sum(otelcol_process_memory_rss{${collector}})`, 'rss']],
      ),
    )
    .build();
}
