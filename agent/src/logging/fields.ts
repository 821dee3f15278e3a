import { INVALID_TRACEID, context, propagation, trace, type Context, type Span } from '@opentelemetry/api';
import type { Experiments } from '../commerce/experiments.ts';
import { recordOf } from '../http/request-record.ts';
import type { Redactor, StringRedactor } from './redact.ts';
import { FIELD } from './schema.ts';

// Turns one log call into schema fields. Shared by the pino logger and the winston format, so
// the same call gives the same names: `err`/`error` become `error: {type, message, stack}`, the
// active trace gives `trace_id`/`span_id`, declared experiments give `experiments`, and
// everything passes through the redactor.

export type Fields = Record<string, unknown>;

export interface CallFields {
  fields: Fields | undefined;
  msg: string | undefined;
}

export class FieldBuilder {
  constructor(
    private readonly redact: Redactor,
    private readonly redactText: StringRedactor,
    private readonly experiments: Experiments,
  ) {}

  fromCall(first: unknown, second: unknown): CallFields {
    if (typeof first === 'string') return { fields: undefined, msg: this.redactText(first) };
    if (first instanceof Error) {
      const msg = typeof second === 'string' ? second : first.message;
      return { fields: this.redact({ [FIELD.error]: first }), msg: this.redactText(msg) };
    }
    const msg = typeof second === 'string' ? this.redactText(second) : undefined;
    if (first === null || typeof first !== 'object')
      return { fields: undefined, msg: msg ?? (first === undefined ? undefined : String(first)) };
    return { fields: this.fromObject(first as Fields), msg };
  }

  fromObject(input: Fields): Fields {
    let fields = input;
    if (fields.err !== undefined && fields[FIELD.error] === undefined) {
      const { err, ...rest } = fields;
      fields = { ...rest, [FIELD.error]: err };
    }
    return this.redact(fields);
  }

  private lastSpan: Span | undefined;
  private lastChunk = '';

  /**
   * The same as correlation(), as a JSON fragment for pino's line (`,"trace_id":…` or ''), so
   * no object is built and merged per line. The ids part is kept for the span last seen.
   */
  correlationChunk(): string {
    const active = context.active();
    const span = trace.getSpan(active);
    let chunk = '';
    if (span !== undefined) {
      if (span !== this.lastSpan) {
        const sc = span.spanContext();
        this.lastSpan = span;
        this.lastChunk = sc.traceId === INVALID_TRACEID ? '' : `,"${FIELD.traceId}":"${sc.traceId}","${FIELD.spanId}":"${sc.spanId}"`;
      }
      chunk = this.lastChunk;
    }
    if (this.experiments.any) {
      const attached = this.attachedExperiments(active);
      if (attached) chunk += `,"${FIELD.experiments}":${JSON.stringify(attached)}`;
    }
    return chunk;
  }

  /** trace_id, span_id and experiments of the active context (empty outside any request). */
  correlation(): Fields {
    const active = context.active();
    const out: Fields = {};
    const span = trace.getSpan(active);
    if (span) {
      const sc = span.spanContext();
      // The SDK only hands out valid ids; the no-op span carries the all-zero trace id.
      if (sc.traceId !== INVALID_TRACEID) {
        out[FIELD.traceId] = sc.traceId;
        out[FIELD.spanId] = sc.spanId;
      }
    }
    if (this.experiments.any) {
      const attached = this.attachedExperiments(active);
      if (attached) out[FIELD.experiments] = attached;
    }
    return out;
  }

  /** The declared experiments of the request (or, outside one, of the baggage) in `active`. */
  private attachedExperiments(active: Context): Record<string, string> | undefined {
    let assigned = recordOf(active)?.experiments;
    if (!assigned) {
      const baggage = propagation.getBaggage(active);
      if (baggage) this.experiments.readBaggage(baggage, (assigned = {}));
    }
    return this.experiments.attached(assigned);
  }
}
