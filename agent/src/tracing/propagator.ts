import {
  INVALID_SPANID,
  INVALID_TRACEID,
  trace,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { TraceState, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Experiments } from '../commerce/experiments.ts';
import { LeanContext } from './lean-context.ts';

// W3C trace context + baggage. Before injecting, the request's experiment assignments are added
// to the baggage: an assignment made anywhere while serving a request (even in a callback whose
// context was captured earlier) still reaches the services called afterwards.
// Extraction reads the usual traceparent (version 00, 55 characters, what every OpenTelemetry
// SDK sends) by hand, into a LeanContext; anything else goes to the W3C propagator, whose regular
// expression and Map-copying context were the larger part of extracting on the request path.

export class ShopscopePropagator implements TextMapPropagator {
  private readonly traceContext = new W3CTraceContextPropagator();
  private readonly baggage = new W3CBaggagePropagator();

  constructor(private readonly experiments: Experiments) {}

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.traceContext.inject(context, carrier, setter);
    this.baggage.inject(this.experiments.withRecordBaggage(context), carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const spanContext = version00TraceParent(getter.get(carrier, TRACE_PARENT));
    let extracted: Context;
    if (spanContext === undefined) {
      extracted = this.traceContext.extract(context, carrier, getter);
    } else {
      const state = getter.get(carrier, TRACE_STATE);
      if (state) spanContext.traceState = new TraceState(Array.isArray(state) ? state.join(',') : state);
      extracted = trace.setSpanContext(LeanContext.over(context), spanContext);
    }
    return this.baggage.extract(extracted, carrier, getter);
  }

  fields(): string[] {
    return [...this.traceContext.fields(), ...this.baggage.fields()];
  }
}

const TRACE_PARENT = 'traceparent';
const TRACE_STATE = 'tracestate';

/**
 * `00-<trace id>-<parent id>-<flags>` exactly, lowercase hex, ids not all zeros: the span
 * context it carries. Undefined for any other value (other versions, several values, invalid):
 * those are left to the W3C propagator, which accepts and rejects them as the spec says.
 */
export function version00TraceParent(header: string | string[] | undefined): SpanContext | undefined {
  if (typeof header !== 'string' || header.length !== 55) return undefined;
  if (header.charCodeAt(0) !== 48 || header.charCodeAt(1) !== 48) return undefined;
  if (header.charCodeAt(2) !== 45 || header.charCodeAt(35) !== 45 || header.charCodeAt(52) !== 45) return undefined;
  if (!isLowerHex(header, 3, 35) || !isLowerHex(header, 36, 52) || !isLowerHex(header, 53, 55)) return undefined;
  const traceId = header.slice(3, 35);
  const spanId = header.slice(36, 52);
  if (traceId === INVALID_TRACEID || spanId === INVALID_SPANID) return undefined;
  return { traceId, spanId, traceFlags: parseInt(header.slice(53, 55), 16), isRemote: true };
}

function isLowerHex(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
