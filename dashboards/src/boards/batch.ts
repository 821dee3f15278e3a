// Batch jobs: each job's runs by outcome, how long they take against the SLO, how long since
// the last good run against the missed-run threshold, records processed and failed, and the
// runs' traces in Jaeger (one trace per run, root span `job <name>`).
import type * as dashboardTypes from '@grafana/grafana-foundation-sdk/dashboard';
import { newBoard } from '../board.ts';
import { jaeger, prometheus } from '../datasources.ts';
import { boardLink, labelVariable, promTimeSeriesPanel, statPanel, tablePanel } from '../panels.ts';
import { jaegerSearch, prom } from '../queries.ts';
import { uids } from '../uids.ts';

/** The duration SLO of the alert rules (alerts/rules/batch.rules.yml): 300 s. */
const SLO_SECONDS = 300;

/** One job, one service at a time: Jaeger's search takes exactly one service and operation. */
const singleVariable = (name: string, label: string, metric: string, labelName: string, fallback: string) =>
  labelVariable(name, label, metric, labelName).multi(false).includeAll(false).current({ selected: true, text: fallback, value: fallback });

const sortedByStart = { id: 'sortBy', options: { sort: [{ field: 'Start time', desc: true }] } };

export function batchBoard(): dashboardTypes.Dashboard {
  return newBoard(
    uids.batch,
    'Batch jobs',
    "Each batch job's runs by outcome, duration against its SLO, time since its last success, records processed and failed, and the runs' traces.",
    [
      singleVariable('job', 'Job', 'job_runs_total', 'job', 'settlement'),
      singleVariable('service', 'Service', 'job_runs_total{job="$job"}', 'service', 'orders'),
    ],
  )
    .link(boardLink('Logs', uids.logs))
    .link(boardLink('Service overview', uids.serviceOverview))
    .withPanel(
      statPanel({
        title: 'Time since last success',
        description: 'How long ago the job last finished successfully; JobMissedRun pages past 1.5 times its schedule period.',
        source: prometheus,
        w: 6,
        h: 6,
        unit: 's',
        targets: [prom('A', 'time() - max(job_last_success_timestamp_seconds{job="$job"})', { instant: true, legend: 'since success' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Missed-run threshold',
        description: "1.5 times the job's schedule period (job_schedule_period_seconds): the age of the last success that pages.",
        source: prometheus,
        w: 6,
        h: 6,
        unit: 's',
        targets: [prom('A', '1.5 * max(job_schedule_period_seconds{job="$job"})', { instant: true, legend: 'threshold' })],
      }),
    )
    .withPanel(
      statPanel({
        title: 'Runs in range by outcome',
        description: 'Successful and failed runs over the selected time range.',
        source: prometheus,
        w: 12,
        h: 6,
        unit: 'short',
        targets: [prom('A', 'sum by (status) (increase(job_runs_total{job="$job"}[$__range]))', { instant: true, legend: '{{status}}' })],
      }),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Runs by outcome',
          description: 'Runs that finished in each interval, by outcome (success, failure).',
          w: 12,
          h: 8,
          unit: 'short',
        },
        [['sum by (status) (increase(job_runs_total{job="$job"}[$__rate_interval]))', '{{status}}']],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Run duration vs SLO',
          description: `Mean duration of the runs that finished in each interval, against the ${SLO_SECONDS} s SLO; exemplars open the run's trace.`,
          w: 12,
          h: 8,
          unit: 's',
          exemplar: true,
        },
        [
          [
            'sum(increase(job_duration_seconds_sum{job="$job"}[$__rate_interval])) / sum(increase(job_duration_seconds_count{job="$job"}[$__rate_interval]))',
            'mean run',
          ],
          [`vector(${SLO_SECONDS})`, 'SLO'],
        ],
      ),
    )
    .withPanel(
      promTimeSeriesPanel(
        {
          title: 'Records processed and failed',
          description: 'Records the runs processed, and those they could not, per interval.',
          w: 24,
          h: 7,
          unit: 'short',
        },
        [
          ['sum(increase(job_records_processed_total{job="$job"}[$__rate_interval]))', 'processed'],
          ['sum(increase(job_records_failed_total{job="$job"}[$__rate_interval]))', 'failed'],
        ],
      ),
    )
    .withPanel(
      tablePanel({
        title: 'Runs (traces)',
        description: "The job's recent runs in Jaeger (operation `job <name>`), newest first; the trace id opens the run's trace.",
        source: jaeger,
        w: 12,
        h: 10,
        targets: [jaegerSearch('A', { service: '$service', operation: 'job $job', limit: 50 })],
      }).withTransformation(sortedByStart),
    )
    .withPanel(
      tablePanel({
        title: 'Failed runs (traces)',
        description: 'Runs with a span in error (the failing step carries the exception). Empty unless a run failed.',
        source: jaeger,
        w: 12,
        h: 10,
        targets: [jaegerSearch('A', { service: '$service', operation: 'job $job', tags: 'error=true', limit: 50 })],
      }).withTransformation(sortedByStart),
    )
    .build();
}
