// Caps the number of distinct label sets per metric. Past the cap, a new label set is folded
// into one set whose every value is "other", and the overflow is counted per metric, so a
// label fed by unbounded input (a raw URL, a user id) costs a bounded series count. The label
// objects handed to prom-client are built once per label set and reused.

export const OVERFLOW_VALUE = 'other';

export type Labels = Readonly<Record<string, string>>;

export class CardinalityGuard {
  /** A trie of label values: one Map per position, the labels object at the last one. */
  private readonly known = new Map<string, unknown>();
  private size = 0;
  private readonly noLabels: Labels;
  private readonly overflowLabels: Labels;

  constructor(
    private readonly metricName: string,
    private readonly labelNames: readonly string[],
    private readonly maxLabelSets: number,
    private readonly onOverflow: (metricName: string) => void,
  ) {
    this.noLabels = this.build([]);
    this.overflowLabels = this.build(labelNames.map(() => OVERFLOW_VALUE));
  }

  /**
   * The labels object to record under: this label set's, or the overflow set past the cap.
   * Looked up value by value (the values are mostly the same string objects every time, with
   * their hashes cached) rather than by a joined key, which would be a new string to hash on
   * every call.
   */
  labelsFor(values: readonly string[]): Labels {
    if (values.length !== this.labelNames.length) {
      // Missing values read as '', extra ones are ignored (the trie needs one depth).
      return this.labelsFor(this.labelNames.map((_, i) => values[i] ?? ''));
    }
    const last = values.length - 1;
    if (last < 0) return this.noLabels;
    let node = this.known;
    for (let i = 0; i < last; i++) {
      const next = node.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) return this.add(values);
      node = next;
    }
    return (node.get(values[last]!) as Labels | undefined) ?? this.add(values);
  }

  private add(values: readonly string[]): Labels {
    if (this.size >= this.maxLabelSets) {
      this.onOverflow(this.metricName);
      return this.overflowLabels;
    }
    let node = this.known;
    for (let i = 0; i < values.length - 1; i++) {
      let next = node.get(values[i]!) as Map<string, unknown> | undefined;
      if (next === undefined) node.set(values[i]!, (next = new Map()));
      node = next;
    }
    const fresh = this.build(values);
    node.set(values[values.length - 1]!, fresh);
    this.size += 1;
    return fresh;
  }

  private build(values: readonly string[]): Labels {
    const labels: Record<string, string> = {};
    for (let i = 0; i < this.labelNames.length; i++) labels[this.labelNames[i] as string] = values[i] ?? '';
    return Object.freeze(labels);
  }
}
