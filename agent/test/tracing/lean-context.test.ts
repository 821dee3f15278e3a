import { ROOT_CONTEXT, createContextKey, trace, type Context } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LeanContext } from '../../src/tracing/lean-context.ts';

const keys = [createContextKey('a'), createContextKey('b'), createContextKey('c')];

describe('LeanContext', () => {
  it('reads, sets and deletes like the API’s own context, over any parent', () => {
    type Op = { kind: 'set' | 'delete'; key: number; value: number };
    const op = fc.record({
      kind: fc.constantFrom<'set' | 'delete'>('set', 'delete'),
      key: fc.integer({ min: 0, max: 2 }),
      value: fc.integer(),
    });
    fc.assert(
      fc.property(fc.integer(), fc.array(op, { maxLength: 12 }), (rootValue, ops: Op[]) => {
        const parent = ROOT_CONTEXT.setValue(keys[0]!, rootValue);
        let lean: Context = LeanContext.derive(parent, keys[1]!, 'first');
        let base: Context = parent.setValue(keys[1]!, 'first');
        const versions: Array<[Context, Context]> = [[lean, base]];
        for (const { kind, key, value } of ops) {
          lean = kind === 'set' ? lean.setValue(keys[key]!, value) : lean.deleteValue(keys[key]!);
          base = kind === 'set' ? base.setValue(keys[key]!, value) : base.deleteValue(keys[key]!);
          versions.push([lean, base]);
        }
        // Every version keeps its own values (contexts are immutable).
        for (const [l, b] of versions) for (const key of keys) expect(l.getValue(key)).toBe(b.getValue(key));
        expect(parent.getValue(keys[1]!)).toBeUndefined();
      }),
    );
  });

  it('carries the span for the trace API', () => {
    const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
    const context = trace.setSpan(LeanContext.derive(ROOT_CONTEXT, keys[0]!, 1), span);
    expect(context).toBeInstanceOf(LeanContext);
    expect(trace.getSpan(context)).toBe(span);
    expect(context.getValue(keys[0]!)).toBe(1);
    expect(trace.getSpan(trace.deleteSpan(context))).toBeUndefined();
  });
});
