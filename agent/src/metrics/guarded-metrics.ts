import { Counter, Gauge, Histogram } from 'prom-client';
import { CardinalityGuard, type Labels } from './cardinality-guard.ts';
import type { MetricsRegistry } from './red-metrics.ts';

// prom-client metrics behind a cardinality guard, fed positional label values whose names
// were fixed at construction. Whether a histogram carries exemplars is decided here, once.

export interface MetricSpec {
  name: string;
  help: string;
  labelNames: readonly string[];
}

export interface GuardOptions {
  registry: MetricsRegistry;
  maxLabelSets: number;
  onOverflow: (metricName: string) => void;
}

export class GuardedHistogram {
  private readonly histogram: Histogram<string>;
  private readonly guard: CardinalityGuard;
  readonly observe: (values: readonly string[], seconds: number, traceId?: string) => void;

  constructor(spec: MetricSpec, buckets: number[], exemplars: boolean, options: GuardOptions) {
    this.histogram = new Histogram({
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labelNames],
      buckets,
      registers: [options.registry],
      enableExemplars: exemplars,
    });
    this.guard = new CardinalityGuard(spec.name, spec.labelNames, options.maxLabelSets, options.onOverflow);
    this.observe = exemplars
      ? (values, seconds, traceId) => {
          const labels = this.guard.labelsFor(values);
          if (traceId) this.histogram.observe({ labels, value: seconds, exemplarLabels: { trace_id: traceId } });
          else this.histogram.observe({ labels, value: seconds });
        }
      : (values, seconds) => {
          this.histogram.observe(this.guard.labelsFor(values), seconds);
        };
  }
}

// Counters and gauges are summed in a plain Map on the request path (one lookup, one add) and
// handed to prom-client only when /metrics is scraped.

export class GuardedCounter {
  private readonly guard: CardinalityGuard;
  private readonly totals = new Map<Labels, number>();

  constructor(spec: MetricSpec, options: GuardOptions) {
    const totals = this.totals;
    new Counter({
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labelNames],
      registers: [options.registry],
      collect() {
        this.reset();
        for (const [labels, value] of totals) this.inc(labels, value);
      },
    });
    this.guard = new CardinalityGuard(spec.name, spec.labelNames, options.maxLabelSets, options.onOverflow);
  }

  inc(values: readonly string[], amount = 1): void {
    const labels = this.guard.labelsFor(values);
    this.totals.set(labels, (this.totals.get(labels) ?? 0) + amount);
  }
}

export class GuardedGauge {
  private readonly guard: CardinalityGuard;
  private readonly values = new Map<Labels, number>();

  constructor(spec: MetricSpec, options: GuardOptions) {
    const values = this.values;
    new Gauge({
      name: spec.name,
      help: spec.help,
      labelNames: [...spec.labelNames],
      registers: [options.registry],
      collect() {
        for (const [labels, value] of values) this.set(labels, value);
      },
    });
    this.guard = new CardinalityGuard(spec.name, spec.labelNames, options.maxLabelSets, options.onOverflow);
  }

  /** Label set admitted once, so inc and the matching dec land on the same series. */
  admit(values: readonly string[]): Labels {
    return this.guard.labelsFor(values);
  }

  add(labels: Labels, delta: number): void {
    this.values.set(labels, (this.values.get(labels) ?? 0) + delta);
  }
}
