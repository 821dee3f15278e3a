// Caps the number of distinct label sets per metric. Past the cap, a new label set is folded
// into one set whose every value is "other", and the overflow is counted per metric, so a
// label fed by unbounded input (a raw URL, a user id) costs a bounded series count. The label
// objects handed to prom-client are built once per label set and reused.

export const OVERFLOW_VALUE = 'other';

export type Labels = Readonly<Record<string, string>>;

export class CardinalityGuard {
  private readonly known = new Map<string, Labels>();
  private readonly overflowLabels: Labels;

  constructor(
    private readonly metricName: string,
    private readonly labelNames: readonly string[],
    private readonly maxLabelSets: number,
    private readonly onOverflow: (metricName: string) => void,
  ) {
    this.overflowLabels = this.build(labelNames.map(() => OVERFLOW_VALUE));
  }

  /** The labels object to record under: this label set's, or the overflow set past the cap. */
  labelsFor(values: readonly string[]): Labels {
    const key = values.length === 1 ? (values[0] ?? '') : values.join('\u0001');
    const labels = this.known.get(key);
    if (labels !== undefined) return labels;
    if (this.known.size < this.maxLabelSets) {
      const fresh = this.build(values);
      this.known.set(key, fresh);
      return fresh;
    }
    this.onOverflow(this.metricName);
    return this.overflowLabels;
  }

  private build(values: readonly string[]): Labels {
    const labels: Record<string, string> = {};
    for (let i = 0; i < this.labelNames.length; i++) labels[this.labelNames[i] as string] = values[i] ?? '';
    return Object.freeze(labels);
  }
}
