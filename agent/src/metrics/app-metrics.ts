import { context, trace, TraceFlags, type Attributes } from '@opentelemetry/api';
import { describe } from '../safety/safe-call.ts';
import { warn } from '../safety/warn.ts';
import { GuardedCounter, GuardedHistogram } from './guarded-metrics.ts';
import { LATENCY_BUCKETS, type RedMetrics } from './red-metrics.ts';

// The app's own metrics on the agent's /metrics, next to the RED series: same registry, same
// cardinality cap (`SHOPSCOPE_MAX_LABEL_SETS` and the overflow counter), histograms with
// trace-id exemplars. Without metrics (agent off, metrics off) every metric is a no-op, and a
// bad definition or observation is a warning, never an exception in the app.

export interface AppMetricSpec {
  /** Prometheus name, e.g. `gateway_requests_total`. */
  name: string;
  help: string;
  labelNames: readonly string[];
}

export interface AppHistogramSpec extends AppMetricSpec {
  /** Upper bounds in seconds; default the agent's latency buckets (1 ms … 10 s). */
  buckets?: readonly number[];
}

export type AppLabels = Readonly<Record<string, string>>;

export interface AppCounter {
  inc(labels: AppLabels, amount?: number): void;
}

export interface AppHistogram {
  observe(labels: AppLabels, seconds: number): void;
}

export interface AppMetrics {
  counter(spec: AppMetricSpec): AppCounter;
  histogram(spec: AppHistogramSpec): AppHistogram;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const noopCounter: AppCounter = { inc: () => undefined };
const noopHistogram: AppHistogram = { observe: () => undefined };

export function createAppMetrics(metrics: RedMetrics | undefined): AppMetrics {
  // one instance per name, so a module loaded twice (tests, hot paths) gets the same series
  const counters = new Map<string, AppCounter>();
  const histograms = new Map<string, AppHistogram>();

  function define<M>(kind: string, spec: AppMetricSpec, known: Map<string, M>, noop: M, make: () => M): M {
    const existing = known.get(spec.name);
    if (existing) return existing;
    if (!metrics) return noop;
    try {
      const problem = invalid(spec);
      if (problem) throw new Error(problem);
      const metric = make();
      known.set(spec.name, metric);
      return metric;
    } catch (error) {
      warn(
        'SHOPSCOPE_ERR_CONFIG_INVALID',
        `${kind} ${JSON.stringify(spec.name)} not registered: ${describe(error)}`,
        `app-metric:${spec.name}`,
      );
      return noop;
    }
  }

  return {
    counter(spec) {
      return define('counter', spec, counters, noopCounter, () => {
        const counter = new GuardedCounter(spec, metrics!.guard);
        return {
          inc(labels, amount = 1) {
            if (Number.isFinite(amount) && amount >= 0) counter.inc(valuesOf(spec.labelNames, labels), amount);
          },
        };
      });
    },
    histogram(spec) {
      return define('histogram', spec, histograms, noopHistogram, () => {
        const histogram = new GuardedHistogram(spec, spec.buckets ?? LATENCY_BUCKETS, true, metrics!.guard);
        return { observe: (labels, seconds) => histogram.observe(valuesOf(spec.labelNames, labels), seconds, sampledTraceId()) };
      });
    },
  };
}

/** Attributes on the span current for the caller (a `traced()` span, the request's span). */
export function setActiveSpanAttributes(attributes: Attributes): void {
  try {
    trace.getSpan(context.active())?.setAttributes(attributes);
  } catch (error) {
    warn('SHOPSCOPE_ERR_CALLBACK', `setSpanAttributes: ${describe(error)}`, 'callback:setSpanAttributes');
  }
}

function invalid(spec: AppMetricSpec): string | undefined {
  if (typeof spec.name !== 'string' || !METRIC_NAME.test(spec.name)) return 'not a Prometheus metric name';
  if (!Array.isArray(spec.labelNames)) return 'labelNames must be an array';
  const bad = spec.labelNames.find((label) => typeof label !== 'string' || !LABEL_NAME.test(label) || label.startsWith('__'));
  if (bad !== undefined) return `bad label name ${JSON.stringify(bad)}`;
  return undefined;
}

function valuesOf(labelNames: readonly string[], labels: AppLabels): string[] {
  return labelNames.map((name) => {
    const value = labels?.[name];
    return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  });
}

function sampledTraceId(): string | undefined {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && spanContext.traceFlags & TraceFlags.SAMPLED ? spanContext.traceId : undefined;
}
