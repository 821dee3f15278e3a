// What an Artillery run says about the SLOs: per journey its error ratio, per step its p95 and
// p99, and per 10-second period whether the SLOs held, so a ramp shows the highest rate the shop
// sustained within them.
import { journeyNames } from './journeys.ts';
import { slo } from './profiles.ts';

interface Report {
  counters?: Record<string, number>;
  summaries?: Record<string, { p95?: number; p99?: number; count?: number }>;
  period?: number | string;
  firstMetricAt?: number;
  lastMetricAt?: number;
}

export interface PeriodVerdict {
  atMs: number;
  requestsPerSecond: number;
  journeysPerSecond: number;
  withinSlo: boolean;
  breaches: string[];
}

export interface LoadSummary {
  requests: number;
  errors: number;
  journeys: Record<string, { started: number; failed: number; ratio: number }>;
  steps: Record<string, { p95: number; p99: number }>;
  breaches: string[];
  periods: PeriodVerdict[];
  /** The highest 10-second request rate of a period in which every SLO held. */
  sustainedRequestsPerSecond: number;
  sustainedJourneysPerSecond: number;
}

const STEP_PREFIX = 'plugins.metrics-by-endpoint.response_time.';

function verdict(report: Report, minCount: number): { breaches: string[]; journeys: LoadSummary['journeys']; steps: LoadSummary['steps'] } {
  const counters = report.counters ?? {};
  const breaches: string[] = [];
  const journeys: LoadSummary['journeys'] = {};
  for (const name of journeyNames) {
    const started = counters[`journey.${name}.started`] ?? 0;
    const failed = counters[`journey.${name}.failed`] ?? 0;
    const ratio = started ? failed / started : 0;
    journeys[name] = { started, failed, ratio };
    if (started >= minCount && ratio > slo.maxFailedJourneyRatio[name]) breaches.push(`${name} failed ${(ratio * 100).toFixed(1)}%`);
  }
  const steps: LoadSummary['steps'] = {};
  for (const [key, value] of Object.entries(report.summaries ?? {})) {
    if (!key.startsWith(STEP_PREFIX)) continue;
    const step = key.slice(STEP_PREFIX.length);
    steps[step] = { p95: value.p95 ?? 0, p99: value.p99 ?? 0 };
    const limits = slo.stepLatencyMs[step];
    if (!limits || (value.count ?? 0) < minCount) continue;
    if ((value.p95 ?? 0) > limits.p95) breaches.push(`${step} p95 ${value.p95} ms`);
    if ((value.p99 ?? 0) > limits.p99) breaches.push(`${step} p99 ${value.p99} ms`);
  }
  const connectionErrors = Object.entries(counters)
    .filter(([k]) => k.startsWith('errors.'))
    .reduce((sum, [, v]) => sum + v, 0);
  if (connectionErrors > 0 && connectionErrors / Math.max(1, counters['http.requests'] ?? 0) > 0.01)
    breaches.push(`${connectionErrors} connection errors`);
  return { breaches, journeys, steps };
}

export function summarize(results: { aggregate: Report; intermediate?: Report[] }): LoadSummary {
  const aggregate = results.aggregate;
  const counters = aggregate.counters ?? {};
  const whole = verdict(aggregate, 1);
  const periods: PeriodVerdict[] = (results.intermediate ?? []).map((report) => {
    const seconds = Math.max(1, ((report.lastMetricAt ?? 0) - (report.firstMetricAt ?? 0)) / 1000 || 10);
    // A period with a handful of requests says nothing about a percentile.
    const { breaches } = verdict(report, 20);
    return {
      atMs: Number(report.period ?? report.firstMetricAt ?? 0),
      requestsPerSecond: (report.counters?.['http.requests'] ?? 0) / seconds,
      journeysPerSecond: (report.counters?.['vusers.created'] ?? 0) / seconds,
      withinSlo: breaches.length === 0,
      breaches,
    };
  });
  const held = periods.filter((p) => p.withinSlo);
  return {
    requests: counters['http.requests'] ?? 0,
    errors: Object.entries(counters)
      .filter(([k]) => k.startsWith('errors.') || /^http\.codes\.5\d\d$/.test(k))
      .reduce((sum, [, v]) => sum + v, 0),
    journeys: whole.journeys,
    steps: whole.steps,
    breaches: whole.breaches,
    periods,
    sustainedRequestsPerSecond: Math.max(0, ...held.map((p) => p.requestsPerSecond)),
    sustainedJourneysPerSecond: Math.max(0, ...held.map((p) => p.journeysPerSecond)),
  };
}
