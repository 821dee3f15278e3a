import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSlack, present } from '@shopscope/testkit';
import { FakePrometheus } from '../support/fake-prometheus.ts';
import { fakeBackedOptions, rawRequest, scratch, start } from '../support/harness.ts';

const POLICY = `
route: { receiver: oncall, group_by: [alertname, service], group_wait: 200ms, group_interval: 1s }
receivers: [{ name: oncall, slack_channel: '#alerts' }]
`;
const rule = (name: string, expr: string) => `      - alert: ${name}\n        expr: ${expr}\n        labels: { severity: page }\n`;
const file = (group: string, rules: string) => `groups:\n  - name: ${group}\n    interval: 1s\n    rules:\n${rules}`;

// What on-call sees when rule files are edited or laid out in folders: no page repeated, no false resolve.
describe('rule identity', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function setUp(rules: Record<string, string>, rulesDirs?: (dir: string) => string[]) {
    const prometheus = await new FakePrometheus().start();
    const slack = await new FakeSlack().start();
    const files = scratch(rules, POLICY);
    const options = fakeBackedOptions(files, prometheus.url, slack.apiUrl);
    const evaluator = await start({ ...options, rulesDir: rulesDirs ? rulesDirs(files.dir) : files.rulesDir });
    cleanups.push(async () => {
      await evaluator.stop();
      await slack.stop();
      await prometheus.stop();
      files.cleanup();
    });
    return { prometheus, slack, files, evaluator };
  }

  it('does not resolve and page again the alerts of rules below one inserted above them', async () => {
    const run = await setUp({ 'shop.rules.yml': file('shop', rule('CartDown', 'cart_up == 0') + rule('OrdersDown', 'orders_up == 0')) });
    run.prometheus.set('cart_up == 0', { service: 'cart' });
    run.prometheus.set('orders_up == 0', { service: 'orders' });
    await vi.waitFor(() => present('two pages', run.slack.messages.filter((m) => !m.threadTs).length === 2), { timeout: 10_000 });
    writeFileSync(
      join(run.files.rulesDir, 'shop.rules.yml'),
      file('shop', rule('PaymentsDown', 'payments_up == 0') + rule('CartDown', 'cart_up == 0') + rule('OrdersDown', 'orders_up == 0')),
    );
    expect((await run.evaluator.reload()).problems).toEqual([]);
    await new Promise((r) => setTimeout(r, 3500));
    expect(run.slack.callsOf('chat.update')).toEqual([]);
    expect(run.slack.messages.filter((m) => !m.threadTs)).toHaveLength(2);
    expect(run.slack.messages.filter((m) => m.threadTs)).toHaveLength(0);
    const alerts = (await rawRequest(run.evaluator.url, { path: '/api/alerts' })).json.alerts as Array<{ state: string }>;
    expect(alerts.map((a) => a.state)).toEqual(['firing', 'firing']);
  });

  it('keeps two files with one group name in different folders apart: both fire, neither flaps', async () => {
    const run = await setUp({}, (dir) => {
      for (const [folder, metric] of [
        ['team-a', 'a_up'],
        ['team-b', 'b_up'],
      ] as const) {
        mkdirSync(join(dir, folder));
        writeFileSync(join(dir, folder, 'shop.rules.yml'), file('shop', rule('ServiceDown', `${metric} == 0`)));
      }
      return [join(dir, 'team-a'), join(dir, 'team-b')];
    });
    run.prometheus.set('a_up == 0', { service: 'a' });
    run.prometheus.set('b_up == 0', { service: 'b' });
    await vi.waitFor(() => present('two pages', run.slack.messages.filter((m) => !m.threadTs).length === 2), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 3500));
    expect(run.slack.callsOf('chat.update')).toEqual([]);
    expect(run.slack.messages.filter((m) => !m.threadTs)).toHaveLength(2);
    const status = (await rawRequest(run.evaluator.url, { path: '/api/rules' })).json.groups as Array<{ name: string; file: string }>;
    expect(status.map((g) => g.name)).toEqual(['shop', 'shop']);
  });
});
