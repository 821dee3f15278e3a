import { ROOT_CONTEXT, defaultTextMapGetter, propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { Experiments } from '../../src/commerce/experiments.ts';
import { loadConfig } from '../../src/config/env.ts';
import { createEdgeAdmission } from '../../src/http/edge-trust.ts';
import { ShopscopePropagator } from '../../src/tracing/propagator.ts';
import { FIXTURES, startApp, type AppProcess } from '../support/app-process.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';

// SHOPSCOPE_TRUST_INBOUND_TRACE=same-origin: the edge adopts the caller's span as parent only
// for requests the browser marks `Sec-Fetch-Site: same-origin` (the service's own pages, e.g. a
// storefront's fetch spans); every other request is treated as at the edge (new trace, caller
// linked). Baggage is filtered by the allow-list in both cases.

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;
const BAGGAGE = 'evil=1,tenant=acme';

describe('createEdgeAdmission with same-origin trust', () => {
  const propagator = new ShopscopePropagator(new Experiments([]));
  const extract = (headers: Record<string, string>) => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const admit = createEdgeAdmission(['tenant'], { trustSameOrigin: true });

  it('adopts the caller as parent for same-origin requests, keeping only allowed baggage', () => {
    const admitted = admit(extract({ traceparent: TRACEPARENT, baggage: BAGGAGE, tracestate: 'vendor=x' }), 'same-origin');
    expect(trace.getSpanContext(admitted.parent)).toMatchObject({ traceId: CALLER_TRACE, spanId: CALLER_SPAN, traceFlags: 1 });
    expect(trace.getSpanContext(admitted.parent)?.traceState).toBeUndefined();
    expect(admitted.links).toBeUndefined();
    const kept = propagation
      .getBaggage(admitted.parent)!
      .getAllEntries()
      .map(([key]) => key);
    expect(kept).toEqual(['tenant']);
  });

  it.each([['cross-site'], ['same-site'], ['none'], [undefined]])('treats Sec-Fetch-Site=%s as any outside caller', (fetchSite) => {
    const admitted = admit(extract({ traceparent: TRACEPARENT }), fetchSite);
    expect(trace.getSpanContext(admitted.parent)).toBeUndefined();
    expect(admitted.links?.[0]?.context.traceId).toBe(CALLER_TRACE);
  });

  it('stays off unless asked for, and needs a valid traceparent', () => {
    expect(trace.getSpanContext(createEdgeAdmission([])(extract({ traceparent: TRACEPARENT }), 'same-origin').parent)).toBeUndefined();
    const invalid = admit(extract({ traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` }), 'same-origin');
    expect(invalid.parent).toBe(ROOT_CONTEXT);
    expect(invalid.links).toBeUndefined();
  });

  it('is read from SHOPSCOPE_TRUST_INBOUND_TRACE=same-origin (still an edge: inbound trust off)', () => {
    const { config, problems } = loadConfig({ SHOPSCOPE_TRUST_INBOUND_TRACE: 'same-origin' });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({ trustInboundTrace: false, trustSameOriginTrace: true });
    expect(loadConfig({}).config.trustSameOriginTrace).toBe(false);
    expect(loadConfig({ SHOPSCOPE_TRUST_INBOUND_TRACE: 'false' }).config.trustSameOriginTrace).toBe(false);
  });
});

describe('a same-origin edge under the agent', () => {
  const receiver = new OtlpReceiver();
  let downstream: AppProcess;
  let edge: AppProcess;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const common = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, SHOPSCOPE_METRICS: 'off' };
    downstream = await startApp(`${FIXTURES}edge-service.mjs`, { ...common, OTEL_SERVICE_NAME: 'behind' });
    edge = await startApp(`${FIXTURES}edge-service.mjs`, {
      ...common,
      OTEL_SERVICE_NAME: 'page-edge',
      DOWNSTREAM_URL: `http://127.0.0.1:${downstream.port}`,
      SHOPSCOPE_TRUST_INBOUND_TRACE: 'same-origin',
      SHOPSCOPE_BAGGAGE_ALLOWLIST: 'tenant',
    });
  }, 90_000);

  afterAll(async () => {
    await Promise.all([downstream, edge].map((app) => app?.stop()));
    await receiver.stop();
  });

  async function call(fetchSite: string) {
    const res = await fetch(`http://127.0.0.1:${edge.port}/order`, {
      headers: { traceparent: TRACEPARENT, baggage: BAGGAGE, 'sec-fetch-site': fetchSite },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { downstream: { traceparent: string; baggage: string | null } };
    return { txid: res.headers.get('x-transaction-id') ?? '', downstream: body.downstream };
  }

  it("a page's same-origin fetch: the server span is the caller's child; baggage still filtered", async () => {
    const result = await call('same-origin');
    expect(result.txid).toBe(CALLER_TRACE);
    expect(result.downstream.traceparent.split('-')[1]).toBe(CALLER_TRACE);
    expect(result.downstream.baggage).toBe('tenant=acme');
    const server = await vi.waitFor(
      () =>
        present(
          'the server span in the caller’s trace',
          receiver.spans.find((s) => s.service === 'page-edge' && s.kind === 2 && s.traceId === CALLER_TRACE),
        ),
      { timeout: 15_000 },
    );
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(server.links).toEqual([]);
  });

  it('a cross-site request: a new trace, the caller only linked', async () => {
    const result = await call('cross-site');
    expect(result.txid).toMatch(/^[0-9a-f]{32}$/);
    expect(result.txid).not.toBe(CALLER_TRACE);
    expect(result.downstream.baggage).toBe('tenant=acme');
    const server = await vi.waitFor(
      () =>
        present(
          'the server span in a new trace',
          receiver.spans.find((s) => s.service === 'page-edge' && s.kind === 2 && s.traceId === result.txid),
        ),
      { timeout: 15_000 },
    );
    expect(server.parentSpanId).toBe('');
    expect(server.links).toEqual([{ traceId: CALLER_TRACE, spanId: CALLER_SPAN, attributes: {} }]);
  });
});
