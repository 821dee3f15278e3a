import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Evaluator } from '../../src/evaluator.ts';
import { FakeSlack, MetricServer, present, startPrometheus, type RunningPrometheus } from '@shopscope/testkit';
import { getJson, scratch, start, type ApiAlert, type ApiNotification } from '../support/harness.ts';

// End to end against a real Prometheus: a metric is flipped on a scrape target, the alert goes
// pending → firing → resolved, and the fake Slack receives the page, its update and thread reply.
const RULES = `
groups:
  - name: e2e
    interval: 1s
    labels: { team: shop }
    rules:
      - alert: CheckoutBroken
        expr: max by (service) (shop_test_broken) == 1
        for: 3s
        labels: { severity: page }
        annotations:
          summary: "{{ $labels.service }} is broken ({{ $value }})"
          runbook_url: "https://runbooks.example/checkout"
          dashboard_url: "http://127.0.0.1:3000/d/checkout?var-service={{ $labels.service }}"
          exemplar_metric: shop_test_duration_seconds_bucket
`;
const POLICY = `
route:
  receiver: oncall
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: oncall
    slack_channel: '#alerts'
`;

describe('evaluator against a real Prometheus', () => {
  const metrics = new MetricServer();
  const slack = new FakeSlack();
  let prometheus: RunningPrometheus;
  let evaluator: Evaluator;
  const files = scratch({ 'e2e.rules.yml': RULES }, POLICY);

  beforeAll(async () => {
    await metrics.start();
    await slack.start();
    metrics.set('shop_test_broken', { service: 'checkout' }, 0);
    metrics.setHistogram('shop_test_duration_seconds', { service: 'checkout' }, 10, '4bf92f3577b34da6a3ce929d0e0e4736');
    prometheus = await startPrometheus([metrics.target]);
    await vi.waitFor(
      async () =>
        present(
          'first scrape',
          (await getJson<{ data: { result: unknown[] } }>(`${prometheus.url}/api/v1/query?query=shop_test_broken`)).data.result.length > 0,
        ),
      { timeout: 20_000 },
    );
    evaluator = await start({
      rulesDir: files.rulesDir,
      policy: files.policy,
      stateFile: files.stateFile,
      prometheusUrl: prometheus.url,
      slackToken: 'xoxb-test',
      slackApiUrl: slack.apiUrl,
    });
  });

  afterAll(async () => {
    await evaluator?.stop();
    await prometheus?.stop();
    await slack.stop();
    await metrics.stop();
    files.cleanup();
  });

  it('pages on firing, updates the message and replies in its thread on resolve', async () => {
    const alerts = () => getJson<{ alerts: ApiAlert[] }>(`${evaluator.url}/api/alerts`).then((r) => r.alerts);
    expect(await alerts()).toEqual([]);

    const faultAt = Date.now();
    metrics.set('shop_test_broken', { service: 'checkout' }, 1);
    const pending = await vi.waitFor(
      async () =>
        present(
          'pending alert',
          (await alerts()).find((a) => a.state === 'pending'),
        ),
      { timeout: 20_000 },
    );
    expect(pending.labels).toMatchObject({ alertname: 'CheckoutBroken', service: 'checkout', severity: 'page', team: 'shop' });
    expect(slack.callsOf('chat.postMessage')).toHaveLength(0);

    await vi.waitFor(
      async () =>
        present(
          'firing alert',
          (await alerts()).find((a) => a.state === 'firing'),
        ),
      { timeout: 20_000 },
    );
    const page = await vi.waitFor(() => present('page in Slack', slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
    const pageDelayMs = Date.now() - faultAt;
    // for (3s) + one evaluation interval (1s) + group_wait (1s) + scrape (1s) + 5s of slack
    expect(pageDelayMs).toBeLessThan(3000 + 1000 + 1000 + 1000 + 5000);
    expect(page.params.channel).toBe('#alerts');
    expect(String(page.params.text)).toContain('[FIRING:1] CheckoutBroken');
    const blocks = JSON.stringify(page.params.blocks);
    expect(blocks).toContain('checkout is broken (1)');
    expect(blocks).toContain('https://runbooks.example/checkout');
    expect(blocks).toContain('var-service=checkout');
    // the exemplar's trace, linked through the default trace URL template (Jaeger's API)
    expect(blocks).toContain('<http://127.0.0.1:16686/api/traces/4bf92f3577b34da6a3ce929d0e0e4736|Exemplar trace>');
    expect(blocks).toContain('page');

    const fixAt = Date.now();
    metrics.set('shop_test_broken', { service: 'checkout' }, 0);
    const update = await vi.waitFor(() => present('chat.update on resolve', slack.callsOf('chat.update')[0]), { timeout: 20_000 });
    expect(update.params.ts).toBe(page.ts);
    expect(String(update.params.text)).toContain('[RESOLVED] CheckoutBroken');
    const reply = await vi.waitFor(
      () =>
        present(
          'reply in thread',
          slack.callsOf('chat.postMessage').find((c) => c.params.thread_ts),
        ),
      { timeout: 20_000 },
    );
    expect(reply.params.thread_ts).toBe(page.ts);
    expect(String(reply.params.text)).toContain('Resolved');
    expect(Date.now() - fixAt).toBeLessThan(1000 + 1000 + 1000 + 5000);
    expect((await alerts()).map((a) => a.state)).toEqual(['resolved']);

    // one page, one update, one reply: nothing twice
    expect(slack.callsOf('chat.postMessage')).toHaveLength(2);
    expect(slack.callsOf('chat.update')).toHaveLength(1);
    const notifications = (await getJson<{ notifications: ApiNotification[] }>(`${evaluator.url}/api/notifications`)).notifications;
    expect(notifications.map((n) => [n.kind, n.status, n.threadTs]).sort()).toEqual(
      [
        ['post', 'sent', page.ts],
        ['reply', 'sent', page.ts],
        ['update', 'sent', page.ts],
      ].sort(),
    );
    console.log(`fault → page ${pageDelayMs} ms; fix → resolve ${update.at - fixAt} ms`);
  });

  it('exposes its own metrics and health', async () => {
    expect(await (await fetch(`${evaluator.url}/-/healthy`)).text()).toBe('OK\n');
    const text = await (await fetch(`${evaluator.url}/metrics`)).text();
    expect(text).toMatch(/shopscope_alerts_group_evaluation_duration_seconds_count\{group="e2e"\} [1-9]/);
    expect(text).toMatch(/shopscope_alerts_notifications_sent_total\{receiver="oncall",transport="slack",kind="post"\} 1/);
    expect(text).toMatch(/shopscope_alerts_notifications_pending 0/);
  });
});
