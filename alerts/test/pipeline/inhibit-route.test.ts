import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/pipeline/alert.ts';
import { fingerprint } from '../../src/pipeline/alert.ts';
import { inhibitedBy } from '../../src/pipeline/inhibit.ts';
import { groupKey, matchRoutes } from '../../src/pipeline/route.ts';
import { parsePolicy } from '../../src/policy/policy.ts';

const alert = (labels: Record<string, string>, state: Alert['state'] = 'firing'): Alert => ({
  fingerprint: fingerprint(labels),
  ruleKey: 'r',
  labels,
  seriesLabels: labels,
  annotations: {},
  state,
  value: 1,
  activeAt: 0,
  lastSeenAt: 0,
});

const policy = parsePolicy({
  route: {
    receiver: 'default',
    group_by: ['alertname'],
    group_wait: '10s',
    routes: [
      { matchers: ['team="db"'], receiver: 'db', continue: true },
      {
        matchers: ['severity="page"'],
        receiver: 'pager',
        group_by: ['...'],
        routes: [{ matchers: ['service=~"pay.*"'], receiver: 'payments' }],
      },
      { matchers: ['severity="page"'], receiver: 'never' },
    ],
  },
  receivers: [{ name: 'default' }, { name: 'db' }, { name: 'pager' }, { name: 'payments' }, { name: 'never' }],
  inhibit_rules: [{ source_matchers: ['alertname="NodeDown"'], target_matchers: ['severity="ticket"'], equal: ['node'] }],
});

describe('routing', () => {
  it('takes the deepest matching route, first sibling wins unless continue', () => {
    expect(matchRoutes(policy.route, { alertname: 'X' }).map((r) => r.receiver)).toEqual(['default']);
    expect(matchRoutes(policy.route, { severity: 'page', service: 'cart' }).map((r) => r.receiver)).toEqual(['pager']);
    expect(matchRoutes(policy.route, { severity: 'page', service: 'payments' }).map((r) => r.receiver)).toEqual(['payments']);
    expect(matchRoutes(policy.route, { team: 'db', severity: 'page' }).map((r) => r.receiver)).toEqual(['db', 'pager']);
  });

  it('inherits settings and groups by group_by labels, "..." meaning all', () => {
    const [pager] = matchRoutes(policy.route, { severity: 'page', service: 'cart' });
    expect(pager?.groupWaitMs).toBe(10_000);
    expect(groupKey(pager!, { severity: 'page', service: 'cart' }).groupLabels).toEqual({ service: 'cart', severity: 'page' });
    const a = groupKey(policy.route, { alertname: 'X', service: 'a' });
    const b = groupKey(policy.route, { alertname: 'X', service: 'b' });
    expect(a.key).toBe(b.key);
  });
});

describe('inhibition', () => {
  it('mutes targets that share the equal labels with a firing source', () => {
    const source = alert({ alertname: 'NodeDown', node: 'n1' });
    const sameNode = alert({ alertname: 'DiskSlow', severity: 'ticket', node: 'n1' });
    const otherNode = alert({ alertname: 'DiskSlow', severity: 'ticket', node: 'n2' });
    expect(inhibitedBy(sameNode, policy.inhibitRules, [source, sameNode, otherNode])).toBe(source);
    expect(inhibitedBy(otherNode, policy.inhibitRules, [source, sameNode, otherNode])).toBeUndefined();
    expect(inhibitedBy(sameNode, policy.inhibitRules, [{ ...source, state: 'resolved' }])).toBeUndefined();
  });
});

describe('policy validation', () => {
  it('refuses unknown receivers, bad matchers and bad durations with a clear message', () => {
    expect(() => parsePolicy({ route: { receiver: 'x' }, receivers: [{ name: 'y' }] })).toThrow(/unknown receiver "x"/);
    expect(() => parsePolicy({ route: { receiver: 'y', matchers: ['service=~"("'] }, receivers: [{ name: 'y' }] })).toThrow(/bad regex/);
    expect(() => parsePolicy({ route: { receiver: 'y', group_wait: 'soon' }, receivers: [{ name: 'y' }] })).toThrow(
      /group_wait: not a duration/,
    );
    expect(() => parsePolicy({ route: { receiver: 'y', matchers: ['bad matcher'] }, receivers: [{ name: 'y' }] })).toThrow(/bad matcher/);
    expect(() => parsePolicy({ route: { receiver: 'y' }, receivers: [{ name: 'y', slack: '#x' }] })).toThrow(/slack/);
  });
});
