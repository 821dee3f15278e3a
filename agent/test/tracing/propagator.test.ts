import { ROOT_CONTEXT, defaultTextMapGetter, propagation, trace } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator, parseTraceParent } from '@opentelemetry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Experiments } from '../../src/commerce/experiments.ts';
import { propagationHeaderReader } from '../../src/http/propagation-headers.ts';
import { ShopscopePropagator, version00TraceParent } from '../../src/tracing/propagator.ts';

const hex = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const version00 = fc.tuple(hex(32), hex(16), hex(2)).map(([t, s, f]) => `00-${t}-${s}-${f}`);
// Valid headers, then the same with one character changed, other versions, odd lengths and noise.
const anyTraceParent = fc.oneof(
  version00,
  fc.tuple(version00, fc.nat(54), fc.constantFrom(...'0fF-g 0xz')).map(([h, i, c]) => h.slice(0, i) + c + h.slice(i + 1)),
  fc.tuple(hex(2), hex(32), hex(16), hex(2), fc.constantFrom('', '-extra', ' ')).map(([v, t, s, f, tail]) => `${v}-${t}-${s}-${f}${tail}`),
  fc.constantFrom(
    `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01`,
    `00-${'1'.repeat(32)}-${'0'.repeat(16)}-01`,
    `ff-${'1'.repeat(32)}-${'1'.repeat(16)}-01`,
  ),
  fc.string({ maxLength: 60 }),
);

describe('traceparent extraction', () => {
  it('the hand-written version-00 reader agrees with the W3C propagator wherever it answers', () => {
    fc.assert(
      fc.property(anyTraceParent, (header) => {
        const fast = version00TraceParent(header);
        const library = parseTraceParent(header);
        if (fast !== undefined) expect(fast).toEqual({ ...library, isRemote: true });
        // It never declines the canonical form the library accepts.
        if (library && header.length === 55 && header.startsWith('00-')) expect(fast).toBeDefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('extracts the same span context, trace state and baggage as the W3C propagators', () => {
    const ours = new ShopscopePropagator(new Experiments([]));
    const w3c = [new W3CTraceContextPropagator(), new W3CBaggagePropagator()];
    fc.assert(
      fc.property(
        anyTraceParent,
        fc.option(fc.constantFrom('vendor=abc,other=1', 'x=y')),
        fc.option(fc.constantFrom('exp.checkout=b', 'k=v;p=1')),
        (traceparent, tracestate, baggage) => {
          const carrier: Record<string, string> = { traceparent };
          if (tracestate) carrier.tracestate = tracestate;
          if (baggage) carrier.baggage = baggage;
          const got = ours.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
          const want = w3c.reduce((ctx, p) => p.extract(ctx, carrier, defaultTextMapGetter), ROOT_CONTEXT);
          const gotSpan = trace.getSpanContext(got);
          const wantSpan = trace.getSpanContext(want);
          expect(gotSpan && { ...gotSpan, traceState: gotSpan.traceState?.serialize() }).toEqual(
            wantSpan && { ...wantSpan, traceState: wantSpan.traceState?.serialize() },
          );
          const entries = (ctx: typeof got) =>
            propagation
              .getBaggage(ctx)
              ?.getAllEntries()
              .map(([key, entry]) => [key, entry.value, entry.metadata?.toString()]);
          expect(entries(got)).toEqual(entries(want));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('propagation headers from rawHeaders', () => {
  const read = propagationHeaderReader(['traceparent', 'tracestate', 'baggage']);

  it('finds nothing, and builds nothing, when no propagation header is sent', () => {
    expect(read(['Host', 'x', 'User-Agent', 'artillery', 'Connection', 'keep-alive', 'Referer', 'r'])).toBeUndefined();
    expect(read([])).toBeUndefined();
  });

  it('matches names in any case and joins repeated headers as request.headers does', () => {
    expect(read(['TraceParent', 'a', 'host', 'h', 'BAGGAGE', 'k=1', 'baggage', 'j=2', 'tracestate', 's'])).toEqual({
      traceparent: 'a',
      baggage: 'k=1, j=2',
      tracestate: 's',
    });
  });

  it('ignores a name without a value (odd-length list)', () => {
    expect(read(['traceparent'])).toBeUndefined();
  });
});
