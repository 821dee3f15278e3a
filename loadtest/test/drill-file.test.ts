// Drill files are checked whole before anything runs: a bad one is one clear line.
import { describe, expect, it } from 'vitest';
import { DrillFileError, drillNames, loadDrills, parseDrill } from '../src/index.ts';

const good = `
description: the gateway fails
steadyState:
  - name: the shop answers
    http: /api/products
fault:
  flags: { gatewayErrorRate: 0.5 }
expect:
  alert: HighErrorRatio
  maxTimeToPageSeconds: 120
rollback:
  flags: { gatewayErrorRate: 0 }
maxTimeToResolveSeconds: 300
graphs:
  - title: errors
    promql: up
`;

function problem(text: string): string {
  try {
    parseDrill('sample', text);
  } catch (err) {
    expect(err).toBeInstanceOf(DrillFileError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('the drill was accepted');
}

describe('drill files', () => {
  it('a good file gives the drill with its defaults', () => {
    const drill = parseDrill('sample', good);
    expect(drill).toMatchObject({ name: 'sample', load: { arrivalRate: 4 }, expect: { alert: 'HighErrorRatio' } });
  });

  it('bad YAML is one line with the file and the line', () => {
    expect(problem('description: [unclosed\nfault: {')).toMatch(/^drill sample: not valid YAML at line \d+/);
  });

  it('an unknown fault names what a fault may be', () => {
    expect(problem(good.replace('flags: { gatewayErrorRate: 0.5 }', 'reboot: gateway'))).toMatch(
      /^drill sample: fault: unknown fault: expected flags: .* or stop: <back end>/,
    );
    expect(problem(good.replace('flags: { gatewayErrorRate: 0.5 }', 'flags: { meteorStrike: 1 }'))).toBe(
      'drill sample: fault.flags: unknown field "meteorStrike"',
    );
    expect(problem(good.replace('flags: { gatewayErrorRate: 0.5 }', 'stop: gateway'))).toMatch(
      /back ends among collector, jaeger, victorialogs, prometheus/,
    );
  });

  it('a missing field is named', () => {
    expect(problem(good.replace('maxTimeToResolveSeconds: 300\n', ''))).toBe('drill sample: maxTimeToResolveSeconds: is missing');
    expect(problem(good.replace('  maxTimeToPageSeconds: 120\n', ''))).toBe('drill sample: expect.maxTimeToPageSeconds: is missing');
  });

  it('an unknown field and a bad value are named', () => {
    expect(problem(`${good}colour: red\n`)).toBe('drill sample: (top level): unknown field "colour"');
    expect(problem(good.replace('maxTimeToPageSeconds: 120', 'maxTimeToPageSeconds: -1'))).toMatch(
      /^drill sample: expect\.maxTimeToPageSeconds: /,
    );
    expect(problem('just a string')).toBe('drill sample: the file must be a YAML mapping');
  });

  it('every shipped drill is valid, and an unknown name lists them', () => {
    const names = drillNames();
    for (const name of [
      'payment-provider-failing',
      'payment-latency',
      'inventory-down',
      'catalog-slow-queries',
      'gateway-error-burst',
      'cart-memory-growth',
      'collector-down',
      'trace-store-down',
      'log-store-down',
    ]) {
      expect(names).toContain(name);
    }
    expect(loadDrills('all')).toHaveLength(names.length);
    expect(() => loadDrills('no-such-drill')).toThrow(/^no drill "no-such-drill": choose one of .*payment-latency.* or all$/);
  });
});
