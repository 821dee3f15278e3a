import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Experiments } from '../commerce/experiments.ts';

// W3C trace context + baggage. Before injecting, the request's experiment assignments are added
// to the baggage: an assignment made anywhere while serving a request (even in a callback whose
// context was captured earlier) still reaches the services called afterwards.

export class ShopscopePropagator implements TextMapPropagator {
  private readonly traceContext = new W3CTraceContextPropagator();
  private readonly baggage = new W3CBaggagePropagator();

  constructor(private readonly experiments: Experiments) {}

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.traceContext.inject(context, carrier, setter);
    this.baggage.inject(this.experiments.withRecordBaggage(context), carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.baggage.extract(this.traceContext.extract(context, carrier, getter), carrier, getter);
  }

  fields(): string[] {
    return [...this.traceContext.fields(), ...this.baggage.fields()];
  }
}
