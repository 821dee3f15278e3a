import { SpanKind, context, trace } from '@opentelemetry/api';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { normalizeFieldPath } from '../../src/graphql/field-path.ts';
import { N_PLUS_ONE_EVENT, NPlusOneDetector } from '../../src/graphql/n-plus-one.ts';
import { GRAPHQL_SCOPE } from '../../src/graphql/scope.ts';
import { LeanTracerProvider } from '../../src/tracing/lean-tracer.ts';

// The detector's logic and bounds with spans made by hand (the real graphql-js run is in
// graphql.test.ts): the threshold, nesting below resolvers, the cap on open operations, and
// input it cannot use.

function setUp(threshold = 3) {
  const detector = new NPlusOneDetector(threshold, undefined);
  const provider = new LeanTracerProvider(new AlwaysOnSampler(), [detector]);
  const graphqlTracer = provider.getTracer(GRAPHQL_SCOPE);
  const db = provider.getTracer('db');
  return { detector, graphqlTracer, db };
}

describe('N+1 detector', () => {
  it('counts backend calls below a resolver, through intermediate spans, per normalized field path', () => {
    const { detector, graphqlTracer, db } = setUp();
    const operation = graphqlTracer.startSpan('graphql.execute');
    const inOperation = trace.setSpan(context.active(), operation);
    for (let item = 0; item < 3; item++) {
      const resolver = graphqlTracer.startSpan(
        'graphql.resolve',
        { attributes: { 'graphql.field.path': `orders.${item}.customer` } },
        inOperation,
      );
      const inResolver = trace.setSpan(context.active(), resolver);
      const helper = db.startSpan('CustomerRepo.find', {}, inResolver);
      db.startSpan(
        'SELECT',
        { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } },
        trace.setSpan(context.active(), helper),
      ).end();
      helper.end();
      resolver.end();
    }
    detector.onResult(operation);
    operation.end();
    expect(
      ((operation as unknown as { events: Array<{ name: string; attributes: unknown }> }).events ?? []).map((e) => [e.name, e.attributes]),
    ).toEqual([
      [N_PLUS_ONE_EVENT, { 'graphql.field.path': 'orders.*.customer', 'graphql.n_plus_one.kind': 'db', 'graphql.n_plus_one.db_calls': 3 }],
    ]);
    expect(detector.openOperations).toBe(0);
  });

  it('keeps at most 1000 open operations, dropping the oldest', () => {
    const { detector, graphqlTracer } = setUp();
    for (let i = 0; i < 1200; i++) graphqlTracer.startSpan('graphql.execute');
    expect(detector.openOperations).toBe(1000);
  });

  it('never throws into the app on spans it cannot use', () => {
    const { detector } = setUp();
    expect(() => detector.onResult(trace.wrapSpanContext({ traceId: 'x', spanId: 'y', traceFlags: 0 }))).not.toThrow();
    expect(() => detector.onStart(null as never)).not.toThrow();
  });

  it('folds list indices in field paths', () => {
    expect(normalizeFieldPath('products.12.reviews.0.author')).toBe('products.*.reviews.*.author');
    expect(normalizeFieldPath('a1.b2')).toBe('a1.b2');
  });

  it('reads its threshold from SHOPSCOPE_GRAPHQL_N_PLUS_ONE_THRESHOLD (default 3, at least 2)', () => {
    expect(loadConfig({}).config.graphqlNPlusOneThreshold).toBe(3);
    expect(loadConfig({ SHOPSCOPE_GRAPHQL_N_PLUS_ONE_THRESHOLD: '10' }).config.graphqlNPlusOneThreshold).toBe(10);
    const bad = loadConfig({ SHOPSCOPE_GRAPHQL_N_PLUS_ONE_THRESHOLD: '1' });
    expect(bad.config.graphqlNPlusOneThreshold).toBe(3);
    expect(bad.problems[0]).toMatch(/SHOPSCOPE_GRAPHQL_N_PLUS_ONE_THRESHOLD="1" is not valid .*; using 3/);
  });
});
