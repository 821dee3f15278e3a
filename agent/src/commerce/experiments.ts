import { context, propagation, trace, type Baggage, type Context } from '@opentelemetry/api';
import type { ExperimentDeclaration } from '../config/env.ts';
import { recordOf } from '../http/request-record.ts';
import { OVERFLOW_VALUE } from '../metrics/cardinality-guard.ts';

// A/B assignments travel as W3C baggage entries `shopscope.exp.<name>=<variant>`, so every
// service on the request's path sees them. Only experiments declared in SHOPSCOPE_EXPERIMENTS
// are attached to metrics, logs and spans, and an undeclared variant is folded into "other":
// what reaches a label is bounded by configuration, never by traffic.

export const EXPERIMENT_BAGGAGE_PREFIX = 'shopscope.exp.';
const MAX_CARRIED = 16;

export class Experiments {
  private readonly declared: ReadonlyMap<string, ReadonlySet<string>>;
  readonly names: readonly string[];

  constructor(declarations: readonly ExperimentDeclaration[]) {
    this.declared = new Map(declarations.map((d) => [d.name, new Set(d.variants)]));
    this.names = declarations.map((d) => d.name);
  }

  get any(): boolean {
    return this.names.length > 0;
  }

  /** Positional label values, one per declared experiment ('' when not assigned). */
  labelValues(assigned: Record<string, string> | undefined): string[] {
    return this.names.map((name) => this.bounded(name, assigned?.[name]) ?? '');
  }

  /** The declared subset, for logs and span attributes; undefined when empty. */
  attached(assigned: Record<string, string> | undefined): Record<string, string> | undefined {
    if (!assigned) return undefined;
    let out: Record<string, string> | undefined;
    for (const name of this.names) {
      const variant = this.bounded(name, assigned[name]);
      if (variant !== undefined) (out ??= {})[name] = variant;
    }
    return out;
  }

  /** Reads experiment entries from inbound baggage into `into`. */
  readBaggage(baggage: Baggage | undefined, into: Record<string, string>): void {
    if (!baggage) return;
    let carried = 0;
    for (const [key, entry] of baggage.getAllEntries()) {
      if (!key.startsWith(EXPERIMENT_BAGGAGE_PREFIX) || carried >= MAX_CARRIED) continue;
      into[key.slice(EXPERIMENT_BAGGAGE_PREFIX.length)] = entry.value;
      carried += 1;
    }
  }

  /** Records an assignment for the current request and everything it calls downstream. */
  assign(name: string, variant: string, enter: (ctx: Context) => void): void {
    const active = context.active();
    const record = recordOf(active);
    if (record) {
      record.experiments[name] = variant;
      const value = this.bounded(name, variant);
      if (value !== undefined) record.span.setAttribute(`experiment.${name}`, value);
    }
    const span = trace.getSpan(active);
    const value = this.bounded(name, variant);
    if (span && value !== undefined && span !== record?.span) span.setAttribute(`experiment.${name}`, value);
    const baggage = (propagation.getBaggage(active) ?? propagation.createBaggage()).setEntry(EXPERIMENT_BAGGAGE_PREFIX + name, {
      value: variant,
    });
    enter(propagation.setBaggage(active, baggage));
  }

  /** Adds the request record's assignments to the baggage about to be injected downstream. */
  withRecordBaggage(ctx: Context): Context {
    const record = recordOf(ctx);
    if (!record) return ctx;
    let baggage = propagation.getBaggage(ctx);
    let changed = false;
    for (const [name, variant] of Object.entries(record.experiments)) {
      const key = EXPERIMENT_BAGGAGE_PREFIX + name;
      if (baggage?.getEntry(key)?.value === variant) continue;
      baggage = (baggage ?? propagation.createBaggage()).setEntry(key, { value: variant });
      changed = true;
    }
    return changed && baggage ? propagation.setBaggage(ctx, baggage) : ctx;
  }

  private bounded(name: string, variant: string | undefined): string | undefined {
    const variants = this.declared.get(name);
    if (!variants || variant === undefined) return undefined;
    return variants.has(variant) ? variant : OVERFLOW_VALUE;
  }
}
