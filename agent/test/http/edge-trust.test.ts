import { ROOT_CONTEXT, SpanKind, TraceFlags, defaultTextMapGetter, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { Experiments } from '../../src/commerce/experiments.ts';
import { loadConfig } from '../../src/config/env.ts';
import { createEdgeAdmission } from '../../src/http/edge-trust.ts';
import type { LeanSpan } from '../../src/tracing/lean-span.ts';
import { LeanTracerProvider } from '../../src/tracing/lean-tracer.ts';
import { ShopscopePropagator } from '../../src/tracing/propagator.ts';
import { createSampler } from '../../src/tracing/sampler.ts';
import { FIXTURES, startApp, type AppProcess } from '../support/app-process.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';

// A service at the edge (SHOPSCOPE_TRUST_INBOUND_TRACE=false) starts a new trace for every
// inbound request and only links the caller's span: a caller cannot pick the trace id or force
// sampling; of its baggage only allow-listed keys (SHOPSCOPE_BAGGAGE_ALLOWLIST) go downstream.
// With the default (true), the caller's context is adopted as before.

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
const BAGGAGE = 'evil=1,tenant=acme,shopscope.exp.checkout_button=blue,userId=42';

describe('createEdgeAdmission', () => {
  const propagator = new ShopscopePropagator(new Experiments([]));
  const extract = (headers: Record<string, string>) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);

  it('keeps no span, links the caller, keeps only allow-listed baggage (exact names and prefixes)', () => {
    const admitted = createEdgeAdmission(['tenant', 'shopscope.exp.*'])(extract({ traceparent: TRACEPARENT, baggage: BAGGAGE }));
    expect(trace.getSpanContext(admitted.parent)).toBeUndefined();
    expect(admitted.links).toEqual([{ context: expect.objectContaining({ traceId: CALLER_TRACE, spanId: CALLER_SPAN, traceFlags: 1 }) }]);
    const kept = Object.fromEntries(
      propagation
        .getBaggage(admitted.parent)!
        .getAllEntries()
        .map(([k, e]) => [k, e.value]),
    );
    expect(kept).toEqual({ tenant: 'acme', 'shopscope.exp.checkout_button': 'blue' });
  });

  it('drops all baggage with an empty allow-list, and links nothing for an invalid traceparent', () => {
    const admitted = createEdgeAdmission([])(extract({ traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01`, baggage: BAGGAGE }));
    expect(admitted.parent).toBe(ROOT_CONTEXT);
    expect(admitted.links).toBeUndefined();
  });

  it('takes the sampling decision away from the caller', () => {
    let ended: LeanSpan | undefined;
    // The agent's sampler at a ratio of 0: nothing is exported unless a sampled parent says so.
    const sampler = createSampler(loadConfig({ OTEL_TRACES_SAMPLER_ARG: '0' }).config.traces);
    const provider = new LeanTracerProvider(sampler, [{ onEnd: (span) => (ended = span) }]);
    const tracer = provider.getTracer('edge-test');
    const inbound = extract({ traceparent: TRACEPARENT });

    tracer.startSpan('GET /trusted', { kind: SpanKind.SERVER }, inbound).end();
    expect(ended!.spanContext()).toMatchObject({ traceId: CALLER_TRACE, traceFlags: TraceFlags.SAMPLED });
    expect(ended!.parentSpanId).toBe(CALLER_SPAN);

    const { parent, links } = createEdgeAdmission([])(inbound);
    tracer.startSpan('GET /edge', { kind: SpanKind.SERVER, links }, parent).end();
    expect(ended!.spanContext().traceId).not.toBe(CALLER_TRACE);
    expect(ended!.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(ended!.parentSpanId).toBeUndefined();
    expect(ended!.links?.[0]?.context.traceId).toBe(CALLER_TRACE);
  });
});

describe('inbound requests under the agent', () => {
  const receiver = new OtlpReceiver();
  let downstream: AppProcess;
  let edge: AppProcess;
  let trusting: AppProcess;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const common = {
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      SHOPSCOPE_METRICS: 'off',
      SHOPSCOPE_EXPERIMENTS: 'checkout_button=control|blue',
    };
    downstream = await startApp(`${FIXTURES}edge-service.mjs`, { ...common, OTEL_SERVICE_NAME: 'inside' });
    const downstreamUrl = `http://127.0.0.1:${downstream.port}`;
    [edge, trusting] = await Promise.all([
      startApp(`${FIXTURES}edge-service.mjs`, {
        ...common,
        OTEL_SERVICE_NAME: 'edge',
        DOWNSTREAM_URL: downstreamUrl,
        SHOPSCOPE_TRUST_INBOUND_TRACE: 'false',
        SHOPSCOPE_BAGGAGE_ALLOWLIST: 'tenant',
      }),
      startApp(`${FIXTURES}edge-service.mjs`, { ...common, OTEL_SERVICE_NAME: 'trusting', DOWNSTREAM_URL: downstreamUrl }),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([downstream, edge, trusting].map((app) => app?.stop()));
    await receiver.stop();
  });

  async function call(
    app: AppProcess,
  ): Promise<{ txid: string; service: string | null; downstream: { traceparent: string; baggage: string | null } }> {
    const res = await fetch(`http://127.0.0.1:${app.port}/order`, { headers: { traceparent: TRACEPARENT, baggage: BAGGAGE } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { downstream: { traceparent: string; baggage: string | null } };
    return {
      txid: res.headers.get('x-transaction-id') ?? '',
      service: res.headers.get('x-shopscope-service'),
      downstream: body.downstream,
    };
  }

  it('at the edge: a new trace id (x-transaction-id), the caller linked, only allowed baggage downstream', async () => {
    const result = await call(edge);
    expect(result.txid).toMatch(/^[0-9a-f]{32}$/);
    expect(result.txid).not.toBe(CALLER_TRACE);
    expect(result.service).toBeNull();
    // downstream continues the edge's trace, not the caller's
    expect(result.downstream.traceparent.split('-')[1]).toBe(result.txid);
    expect(result.downstream.baggage).toBe('tenant=acme');

    const server = await vi.waitFor(
      () =>
        present(
          "the edge's server span",
          receiver.spans.find((s) => s.service === 'edge' && s.kind === 2 && s.traceId === result.txid),
        ),
      { timeout: 15_000 },
    );
    expect(server.parentSpanId).toBe('');
    expect(server.links).toEqual([{ traceId: CALLER_TRACE, spanId: CALLER_SPAN, attributes: {} }]);
    expect(server.attributes['experiment.checkout_button']).toBeUndefined();
    expect(receiver.spans.filter((s) => s.service === 'edge' && s.traceId === CALLER_TRACE)).toEqual([]);
    // the downstream service (trusting its caller, the edge) joins the edge's trace
    const inside = await vi.waitFor(
      () =>
        present(
          "the inside service's server span",
          receiver.spans.find((s) => s.service === 'inside' && s.kind === 2 && s.traceId === result.txid),
        ),
      { timeout: 15_000 },
    );
    expect(inside.parentSpanId).not.toBe('');
  });

  it('by default: the caller’s trace is adopted and its baggage passed on, as before', async () => {
    const result = await call(trusting);
    expect(result.txid).toBe(CALLER_TRACE);
    expect(result.service).toBe('trusting');
    expect(result.downstream.traceparent.split('-')[1]).toBe(CALLER_TRACE);
    expect(result.downstream.baggage).toContain('evil=1');
    expect(result.downstream.baggage).toContain('shopscope.exp.checkout_button=blue');
    const server = await vi.waitFor(
      () =>
        present(
          "the trusting service's server span",
          receiver.spans.find((s) => s.service === 'trusting' && s.kind === 2 && s.traceId === CALLER_TRACE),
        ),
      { timeout: 15_000 },
    );
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(server.links).toEqual([]);
    expect(server.attributes['experiment.checkout_button']).toBe('blue');
  });
});
