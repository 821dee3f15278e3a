import type { Instrumentation } from '@opentelemetry/instrumentation';
import { INVALID_SPAN_CONTEXT, context as contextApi, trace } from '@opentelemetry/api';
import type { Context, Span, SpanOptions, Tracer, TracerProvider } from '@opentelemetry/api';

// "Only inside a trace" for instrumentations that have no `requireParentSpan` option (mysql2)
// or do not apply it everywhere (redis: its `redis-connect` span): their tracer makes a span
// only when the context has one, so connection pools, migrations and start-up queries outside
// any request make no root spans.

/** `instrumentation`, whose tracer (whatever provider it is given) starts spans only inside a trace. */
export function withParentOnly<T extends Instrumentation>(instrumentation: T): T {
  const setTracerProvider = instrumentation.setTracerProvider.bind(instrumentation);
  instrumentation.setTracerProvider = (provider: TracerProvider) => setTracerProvider(parentOnly(provider));
  return instrumentation;
}

export function parentOnly(provider: TracerProvider): TracerProvider {
  return {
    getTracer: (name, version, options) => {
      const tracer = provider.getTracer(name, version, options);
      const startSpan = (spanName: string, spanOptions?: SpanOptions, ctx: Context = contextApi.active()): Span =>
        spanOptions?.root !== true && trace.getSpan(ctx) !== undefined
          ? tracer.startSpan(spanName, spanOptions, ctx)
          : trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
      const parentOnlyTracer: Tracer = {
        startSpan,
        startActiveSpan: ((spanName: string, ...rest: unknown[]) => {
          const fn = rest.pop() as (span: Span) => unknown;
          const spanOptions = rest[0] as SpanOptions | undefined;
          const ctx = (rest[1] as Context | undefined) ?? contextApi.active();
          const span = startSpan(spanName, spanOptions, ctx);
          return contextApi.with(trace.setSpan(ctx, span), fn, undefined, span);
        }) as Tracer['startActiveSpan'],
      };
      return parentOnlyTracer;
    },
  };
}
