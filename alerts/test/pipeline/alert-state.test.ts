import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/pipeline/alert.ts';
import { advanceRule, RESOLVED_RETENTION_MS } from '../../src/pipeline/alert-state.ts';
import { parseRuleFile } from '../../src/rules/parse.ts';
import type { AlertRule } from '../../src/rules/types.ts';

function rule(extra = ''): AlertRule {
  const { groups } = parseRuleFile(
    'r.yml',
    60_000,
    `groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 60s
${extra}        labels: { severity: page }
        annotations: { summary: "{{ $labels.job }} is {{ $value }}" }
`,
  );
  return groups[0]?.rules[0] as AlertRule;
}

function run(r: AlertRule, steps: Array<[number, number | undefined]>) {
  let active = new Map<string, Alert>();
  const states: string[] = [];
  for (const [t, value] of steps) {
    const samples = value === undefined ? [] : [{ labels: { __name__: 'up', job: 'cart' }, value }];
    active = advanceRule(r, { team: 'shop' }, active, samples, t).alerts;
    states.push([...active.values()].map((a) => a.state).join(',') || 'none');
  }
  return { states, active };
}

describe('alert states (Prometheus semantics)', () => {
  it('is pending until `for` has passed, then firing, then resolved when the series goes', () => {
    const { states, active } = run(rule(), [
      [0, 0],
      [30_000, 0],
      [60_000, 0],
      [90_000, undefined],
    ]);
    expect(states).toEqual(['pending', 'pending', 'firing', 'resolved']);
    const alert = [...active.values()][0]!;
    expect(alert.labels).toEqual({ job: 'cart', team: 'shop', severity: 'page', alertname: 'Down' });
    expect(alert.seriesLabels).toEqual({ job: 'cart' });
    expect(alert.annotations.summary).toBe('cart is 0');
    expect(alert).toMatchObject({ activeAt: 0, firedAt: 60_000, resolvedAt: 90_000 });
  });

  it('forgets a pending alert whose series goes away, and starts over', () => {
    expect(
      run(rule(), [
        [0, 0],
        [30_000, undefined],
        [45_000, 0],
        [90_000, 0],
        [105_000, 0],
      ]).states,
    ).toEqual(['pending', 'none', 'pending', 'pending', 'firing']);
  });

  it('keeps firing for keep_firing_for after the series goes', () => {
    const r = rule('        keep_firing_for: 45s\n');
    expect(
      run(r, [
        [0, 0],
        [60_000, 0],
        [75_000, undefined],
        [100_000, undefined],
        [105_000, undefined],
      ]).states,
    ).toEqual(['pending', 'firing', 'firing', 'firing', 'resolved']);
  });

  it('keeps a resolved alert for the retention time, then drops it; a new series starts pending', () => {
    const { states } = run(rule(), [
      [0, 0],
      [60_000, 0],
      [70_000, undefined],
      [70_000 + RESOLVED_RETENTION_MS - 1, undefined],
      [70_000 + RESOLVED_RETENTION_MS, undefined],
    ]);
    expect(states).toEqual(['pending', 'firing', 'resolved', 'resolved', 'none']);
    expect(
      run(rule(), [
        [0, 0],
        [60_000, 0],
        [70_000, undefined],
        [80_000, 0],
      ]).states,
    ).toEqual(['pending', 'firing', 'resolved', 'pending']);
  });

  it('fires at once with for: 0', () => {
    const { groups } = parseRuleFile('r.yml', 60_000, 'groups: [{ name: g, rules: [{ alert: X, expr: up }] }]');
    expect(run(groups[0]?.rules[0] as AlertRule, [[0, 1]]).states).toEqual(['firing']);
  });
});
