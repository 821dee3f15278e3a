import { Counter, Gauge, type Metric } from 'prom-client';
import { CardinalityGuard, type Labels } from './cardinality-guard.ts';
import type { MetricsRegistry } from './red-metrics.ts';

// Metrics behind a cardinality guard, fed positional label values whose names were fixed at
// construction. Whether a histogram carries exemplars is decided here, once.

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

interface HistogramSeries {
  labels: Labels;
  /** Per bucket (not cumulative); the last one is +Inf. */
  counts: number[];
  sum: number;
  count: number;
  /** Per bucket: the latest observation's trace id, value and time (ms). */
  exemplars: Array<{ traceId: string; value: number; atMs: number } | undefined>;
}

interface ExportedValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
  exemplar?: { labelSet: Record<string, string>; value: number; timestamp: number };
}

/**
 * A histogram summed in plain arrays on the request path and handed to the registry as
 * prom-client metric values when /metrics is scraped. Written by hand (prom-client's own
 * Histogram is still what the registry formats: same value shape, same OpenMetrics text)
 * because its observe path hashes the label object, validates every label and allocates an
 * exemplar label set per call; with six observations per shop request that showed in CPU
 * profiles of the request path.
 */
export class GuardedHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly guard: CardinalityGuard;
  private series = new Map<Labels, HistogramSeries>();
  readonly observe: (values: readonly string[], seconds: number, traceId?: string) => void;

  constructor(
    spec: MetricSpec,
    private readonly buckets: readonly number[],
    exemplars: boolean,
    options: GuardOptions,
  ) {
    this.name = spec.name;
    this.help = spec.help;
    this.guard = new CardinalityGuard(spec.name, spec.labelNames, options.maxLabelSets, options.onOverflow);
    options.registry.registerMetric(this as unknown as Metric);
    this.observe = (values, seconds, traceId) => {
      if (!Number.isFinite(seconds)) return;
      const labels = this.guard.labelsFor(values);
      let series = this.series.get(labels);
      if (series === undefined) {
        series = { labels, counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0, exemplars: [] };
        this.series.set(labels, series);
      }
      let b = 0;
      while (b < buckets.length && seconds > buckets[b]!) b++;
      series.counts[b]! += 1;
      series.sum += seconds;
      series.count += 1;
      if (exemplars && traceId) {
        const exemplar = series.exemplars[b];
        if (exemplar === undefined) series.exemplars[b] = { traceId, value: seconds, atMs: Date.now() };
        else {
          exemplar.traceId = traceId;
          exemplar.value = seconds;
          exemplar.atMs = Date.now();
        }
      }
    };
  }

  /** prom-client's metric interface: the values the registry formats. */
  get(): Promise<{ name: string; help: string; type: string; values: ExportedValue[]; aggregator: string }> {
    const values: ExportedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const series of this.series.values()) {
      let cumulative = 0;
      for (let b = 0; b <= this.buckets.length; b++) {
        cumulative += series.counts[b]!;
        const value: ExportedValue = {
          labels: { le: b < this.buckets.length ? this.buckets[b]! : '+Inf', ...series.labels },
          value: cumulative,
          metricName: bucketName,
        };
        const exemplar = series.exemplars[b];
        if (exemplar) value.exemplar = { labelSet: { trace_id: exemplar.traceId }, value: exemplar.value, timestamp: exemplar.atMs / 1000 };
        values.push(value);
      }
      values.push({ labels: { ...series.labels }, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...series.labels }, value: series.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }

  /** Creates a label set's series with no observations, so a first slow observation is an increase. */
  declare(values: readonly string[]): void {
    const labels = this.guard.labelsFor(values);
    if (!this.series.has(labels)) {
      this.series.set(labels, { labels, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0, exemplars: [] });
    }
  }

  reset(): void {
    this.series = new Map();
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

  set(values: readonly string[], value: number): void {
    this.values.set(this.guard.labelsFor(values), value);
  }
}
