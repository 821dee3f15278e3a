import { GuardedCounter, GuardedGauge, GuardedHistogram, type GuardOptions } from '../metrics/guarded-metrics.ts';

/** Batch runs: 100 ms to 2 h, coarse, since a run is seconds to an hour, not milliseconds. */
export const JOB_DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

export interface JobMetrics {
  runs: GuardedCounter;
  duration: GuardedHistogram;
  lastSuccess: GuardedGauge;
  lastFailure: GuardedGauge;
  schedulePeriod: GuardedGauge;
  recordsProcessed: GuardedCounter;
  recordsFailed: GuardedCounter;
}

/** The batch-job metric catalogue, on the agent's registry and behind its label-set cap. */
export function createJobMetrics(guard: GuardOptions): JobMetrics {
  const job = ['job'];
  const counter = (name: string, help: string, labelNames: readonly string[]) => new GuardedCounter({ name, help, labelNames }, guard);
  const gauge = (name: string, help: string) => new GuardedGauge({ name, help, labelNames: job }, guard);
  return {
    runs: counter('job_runs_total', 'Batch job runs, by outcome (success or failure)', ['job', 'status']),
    // The run's trace id rides along as an exemplar: a slow run links to its trace.
    duration: new GuardedHistogram(
      { name: 'job_duration_seconds', help: 'Duration of batch job runs', labelNames: job },
      JOB_DURATION_BUCKETS,
      true,
      guard,
    ),
    lastSuccess: gauge('job_last_success_timestamp_seconds', 'Unix time the job last finished successfully'),
    lastFailure: gauge('job_last_failure_timestamp_seconds', 'Unix time a run of the job last failed'),
    schedulePeriod: gauge('job_schedule_period_seconds', 'Seconds between two scheduled runs of the job, as declared'),
    recordsProcessed: counter('job_records_processed_total', 'Records a batch job processed', job),
    recordsFailed: counter('job_records_failed_total', 'Records a batch job could not process', job),
  };
}
