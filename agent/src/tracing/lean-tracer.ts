import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  INVALID_SPAN_CONTEXT,
  INVALID_SPANID,
  INVALID_TRACEID,
  SpanKind,
  TraceFlags,
  context as contextApi,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace';
import { LeanSpan, toPerformanceMs, type SpanEndListener, type SpanScope } from './lean-span.ts';

// The agent's TracerProvider: hands out tracers that make LeanSpans (see lean-span.ts) and
// passes each ended span to the end listeners (span metrics, then the OTLP encoder). The SDK's
// samplers decide what is exported. Instrumentations get their tracers from here through the
// global API, like from any provider.

export type SpanStartListener = (span: LeanSpan) => void;

const ZEROS: Record<number, string> = { 8: INVALID_SPANID, 16: INVALID_TRACEID };

/** Random ids from a pooled buffer: one crypto call per 512 ids instead of one per id. */
class IdSource {
  private readonly pool = Buffer.allocUnsafe(8192);
  private offset = this.pool.length;

  private take(bytes: number): string {
    if (this.offset + bytes > this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const id = this.pool.toString('hex', this.offset, this.offset + bytes);
    this.offset += bytes;
    // All-zero ids are invalid; vanishingly rare, but never emit one.
    return id === ZEROS[bytes] ? this.take(bytes) : id;
  }

  traceId(): string {
    return this.take(16);
  }

  spanId(): string {
    return this.take(8);
  }
}

export interface EndHook {
  onEnd: SpanEndListener;
  /** Called with each recording span once its start attributes are set (the GraphQL N+1 detector needs starts). */
  onStart?: SpanStartListener;
  forceFlush?(): Promise<void>;
}

export class LeanTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, LeanTracer>();
  private readonly ids = new IdSource();
  private readonly onEnd: SpanEndListener;
  private readonly onStart: SpanStartListener | undefined;

  constructor(
    private readonly sampler: Sampler,
    private readonly hooks: readonly EndHook[],
  ) {
    const listeners = hooks.map((hook) => hook.onEnd);
    this.onEnd = (span) => {
      for (const listener of listeners) listener(span);
    };
    // No start listener (the usual case): nothing at all runs per span start.
    const starts = hooks.flatMap((hook) => (hook.onStart ? [hook.onStart] : []));
    if (starts.length > 0)
      this.onStart = (span) => {
        for (const listener of starts) listener(span);
      };
  }

  getTracer(name: string, version?: string): Tracer {
    const key = `${name}@${version ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new LeanTracer({ name, version }, this.sampler, this.ids, this.onEnd, this.onStart);
      this.tracers.set(key, tracer);
    }
    return tracer;
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.hooks.map((hook) => hook.forceFlush?.()));
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}

export class LeanTracer implements Tracer {
  constructor(
    private readonly scope: SpanScope,
    private readonly sampler: Sampler,
    private readonly ids: IdSource,
    private readonly onEnd: SpanEndListener,
    private readonly onStart?: SpanStartListener,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, context: Context = contextApi.active()): Span {
    if (isTracingSuppressed(context)) return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const parentSpan = options.root ? undefined : trace.getSpan(context);
    const parent = parentSpan?.spanContext();
    // A LeanSpan's ids are valid by construction: only foreign parents (remote, wrapped) are checked.
    const validParent = parent !== undefined && (parentSpan instanceof LeanSpan || trace.isSpanContextValid(parent)) ? parent : undefined;
    const traceId = validParent ? validParent.traceId : this.ids.traceId();
    const spanId = this.ids.spanId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    const result = this.sampler.shouldSample(context, traceId, name, kind, options.attributes ?? {}, options.links ?? []);
    if (result.decision === SamplingDecision.NOT_RECORD) {
      return trace.wrapSpanContext({
        traceId,
        spanId,
        traceFlags: TraceFlags.NONE,
        traceState: result.traceState ?? validParent?.traceState,
      });
    }
    const traceFlags = result.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE;
    const span = new LeanSpan(
      { traceId, spanId, traceFlags, traceState: result.traceState ?? validParent?.traceState },
      name,
      kind,
      validParent?.spanId,
      validParent?.isRemote === true,
      this.scope,
      options.startTime === undefined ? performance.now() : toPerformanceMs(options.startTime),
      this.onEnd,
    );
    if (options.attributes) span.setAttributes(options.attributes);
    if (result.attributes) span.setAttributes(result.attributes);
    if (options.links) span.addLinks(options.links);
    if (this.onStart) this.onStart(span);
    return span;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a: F | SpanOptions, b?: F | Context, c?: F): ReturnType<F> {
    let options: SpanOptions = {};
    let parent: Context = contextApi.active();
    let fn: F;
    if (typeof a === 'function') fn = a;
    else if (typeof b === 'function') {
      options = a;
      fn = b;
    } else {
      options = a;
      parent = b ?? parent;
      fn = c as F;
    }
    const span = this.startSpan(name, options, parent);
    return contextApi.with(trace.setSpan(parent, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}
