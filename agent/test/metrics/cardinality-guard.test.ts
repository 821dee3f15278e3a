import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CardinalityGuard, OVERFLOW_VALUE } from '../../src/metrics/cardinality-guard.ts';

describe('CardinalityGuard', () => {
  it('hands out one labels object per distinct set, up to the cap, then the overflow set', () => {
    const value = fc.constantFrom('GET', 'POST', '/a', '/b', '2xx', '5xx', '', 'x\u0001y', 'x');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.tuple(value, value, value), { maxLength: 60 }), (cap, sets) => {
        let overflows = 0;
        const guard = new CardinalityGuard('m', ['a', 'b', 'c'], cap, () => (overflows += 1));
        const seen = new Map<string, object>();
        let expectedOverflows = 0;
        for (const values of sets) {
          const labels = guard.labelsFor(values);
          const key = JSON.stringify(values);
          if (seen.has(key)) expect(labels).toBe(seen.get(key));
          else if (seen.size < cap) {
            expect(labels).toEqual({ a: values[0], b: values[1], c: values[2] });
            seen.set(key, labels);
          } else {
            expect(labels).toEqual({ a: OVERFLOW_VALUE, b: OVERFLOW_VALUE, c: OVERFLOW_VALUE });
            expectedOverflows += 1;
          }
        }
        expect(overflows).toBe(expectedOverflows);
      }),
    );
  });

  it('reads missing values as empty and ignores extra ones; no label names, one empty set', () => {
    const guard = new CardinalityGuard('m', ['a', 'b'], 10, () => undefined);
    expect(guard.labelsFor(['x'])).toEqual({ a: 'x', b: '' });
    expect(guard.labelsFor(['x', '', 'extra'])).toBe(guard.labelsFor(['x']));
    expect(new CardinalityGuard('n', [], 10, () => undefined).labelsFor([])).toEqual({});
  });
});
