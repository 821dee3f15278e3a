import { describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { flagRule, simplePolicy, startWithSlack, usePrometheus } from '../support/fixture.ts';
import { auth, getJson, type ApiAlert } from '../support/harness.ts';

// Grouping, routing, inhibition and silences, with Alertmanager's semantics, seen from Slack.
describe('notification policy', () => {
  const { metrics, prometheus } = usePrometheus();

  it('groups alerts by group_by into one message, and updates it when another joins', async () => {
    const policy = `
route:
  receiver: oncall
  group_by: [alertname]
  group_wait: 2s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: oncall
    slack_channel: '#alerts'
`;
    metrics.set('t_group', { service: 'a' }, 1);
    metrics.set('t_group', { service: 'b' }, 1);
    metrics.set('t_group', { service: 'c' }, 0);
    const run = await startWithSlack(prometheus().url, flagRule('t_group'), policy);
    try {
      const page = await vi.waitFor(() => present('page', run.slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
      expect(String(page.params.text)).toContain('[FIRING:2] FlagUp');
      metrics.set('t_group', { service: 'c' }, 1);
      const update = await vi.waitFor(() => present('update', run.slack.callsOf('chat.update')[0]), { timeout: 20_000 });
      expect(update.params.ts).toBe(page.ts);
      expect(String(update.params.text)).toContain('[FIRING:3]');
      const reply = await vi.waitFor(
        () =>
          present(
            'reply',
            run.slack.callsOf('chat.postMessage').find((c) => c.params.thread_ts),
          ),
        { timeout: 20_000 },
      );
      expect(String(reply.params.text)).toContain('Now 3 firing');
      expect(run.slack.callsOf('chat.postMessage').filter((c) => !c.params.thread_ts)).toHaveLength(1);
    } finally {
      await run.stop();
      for (const s of ['a', 'b', 'c']) metrics.delete('t_group', { service: s });
    }
  });

  it('routes by labels to the channel of the first matching route', async () => {
    const policy = `
route:
  receiver: default
  group_by: [alertname, service]
  group_wait: 500ms
  group_interval: 1s
  routes:
    - matchers: ['service=~"pay.*"']
      receiver: payments
    - matchers: ['severity="page"']
      receiver: paging
receivers:
  - name: default
    slack_channel: '#alerts'
  - name: payments
    slack_channel: '#payments'
  - name: paging
    slack_channel: '#paging'
`;
    metrics.set('t_route', { service: 'payments' }, 1);
    metrics.set('t_route', { service: 'cart' }, 1);
    const run = await startWithSlack(
      prometheus().url,
      flagRule('t_route'),
      policy,
      {},
      { channels: { alerts: 'C1', payments: 'C2', paging: 'C3' } },
    );
    try {
      const posts = await vi.waitFor(
        () => {
          const p = run.slack.callsOf('chat.postMessage');
          return present('two pages', p.length >= 2 ? p : undefined);
        },
        { timeout: 20_000 },
      );
      const byChannel = Object.fromEntries(posts.map((p) => [String(p.params.channel), String(p.params.text)]));
      expect(byChannel['#payments']).toContain('service=payments');
      expect(byChannel['#paging']).toContain('service=cart');
      expect(byChannel['#alerts']).toBeUndefined();
    } finally {
      await run.stop();
      metrics.delete('t_route', { service: 'payments' });
      metrics.delete('t_route', { service: 'cart' });
    }
  });

  it('inhibits a target alert while its source fires with equal labels', async () => {
    const rules = `
groups:
  - name: inhibit
    interval: 1s
    rules:
      - alert: ServiceDown
        expr: max by (service) (t_down) == 1
        labels: { severity: page }
      - alert: ServiceSlow
        expr: max by (service) (t_slow) == 1
        labels: { severity: ticket }
`;
    const policy = `
route:
  receiver: oncall
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: oncall
    slack_channel: '#alerts'
inhibit_rules:
  - source_matchers: ['alertname="ServiceDown"']
    target_matchers: ['severity="ticket"']
    equal: [service]
`;
    metrics.set('t_down', { service: 'cart' }, 1);
    metrics.set('t_slow', { service: 'cart' }, 1);
    metrics.set('t_slow', { service: 'orders' }, 1);
    const run = await startWithSlack(prometheus().url, rules, policy);
    try {
      await vi.waitFor(() => present('two pages', run.slack.callsOf('chat.postMessage').length >= 2), { timeout: 20_000 });
      await new Promise((r) => setTimeout(r, 2500));
      const texts = run.slack
        .callsOf('chat.postMessage')
        .map((c) => String(c.params.text))
        .sort();
      expect(texts).toHaveLength(2);
      expect(texts[0]).toContain('ServiceDown (service=cart)');
      expect(texts[1]).toContain('ServiceSlow (service=orders)');
      const alerts = (await getJson<{ alerts: ApiAlert[] }>(`${run.evaluator.url}/api/alerts`)).alerts;
      const inhibited = alerts.find((a) => a.labels.alertname === 'ServiceSlow' && a.labels.service === 'cart');
      expect(inhibited?.inhibitedBy).toBe(alerts.find((a) => a.labels.alertname === 'ServiceDown')?.fingerprint);
      // the source resolves: the target is no longer muted and pages
      metrics.set('t_down', { service: 'cart' }, 0);
      await vi.waitFor(
        () =>
          present(
            'inhibited alert pages',
            run.slack.callsOf('chat.postMessage').find((c) => String(c.params.text).includes('ServiceSlow (service=cart)')),
          ),
        { timeout: 20_000 },
      );
    } finally {
      await run.stop();
      metrics.delete('t_down', { service: 'cart' });
      metrics.delete('t_slow', { service: 'cart' });
      metrics.delete('t_slow', { service: 'orders' });
    }
  });

  it('mutes silenced alerts until the silence is expired, through the HTTP API', async () => {
    metrics.set('t_silence', { service: 'cart' }, 0);
    const run = await startWithSlack(prometheus().url, flagRule('t_silence'), simplePolicy());
    try {
      const created = await fetch(`${run.evaluator.url}/api/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({
          matchers: ['alertname="FlagUp"', 'service=~"ca.*"'],
          duration: '1h',
          createdBy: 'test',
          comment: 'maintenance',
        }),
      });
      expect(created.status).toBe(201);
      const { silence } = (await created.json()) as { silence: { id: string } };
      metrics.set('t_silence', { service: 'cart' }, 1);
      const alert = await vi.waitFor(
        async () =>
          present(
            'firing',
            (await getJson<{ alerts: ApiAlert[] }>(`${run.evaluator.url}/api/alerts`)).alerts.find((a) => a.state === 'firing'),
          ),
        { timeout: 20_000 },
      );
      expect(alert.silencedBy).toEqual([silence.id]);
      await new Promise((r) => setTimeout(r, 2500));
      expect(run.slack.callsOf('chat.postMessage')).toHaveLength(0);
      const list = (await getJson<{ silences: Array<{ id: string; status: string }> }>(`${run.evaluator.url}/api/silences`)).silences;
      expect(list).toEqual([expect.objectContaining({ id: silence.id, status: 'active' })]);

      const expired = await fetch(`${run.evaluator.url}/api/silences/${silence.id}`, { method: 'DELETE', headers: auth });
      expect(expired.status).toBe(200);
      await vi.waitFor(() => present('page after expiry', run.slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
      const after = (await getJson<{ silences: Array<{ id: string; status: string }> }>(`${run.evaluator.url}/api/silences`)).silences;
      expect(after[0]?.status).toBe('expired');
    } finally {
      await run.stop();
      metrics.delete('t_silence', { service: 'cart' });
    }
  });

  it('pages without a Slack token through the log and lists the page in the API', async () => {
    metrics.set('t_notoken', { service: 'cart' }, 1);
    const run = await startWithSlack(
      prometheus().url,
      flagRule('t_notoken'),
      `
route:
  receiver: oncall
  group_wait: 500ms
  group_interval: 1s
receivers:
  - name: oncall
    slack_channel: '#alerts'
`,
      { slackToken: undefined },
    );
    try {
      const n = await vi.waitFor(
        async () =>
          present(
            'page listed',
            (
              await getJson<{ notifications: Array<{ status: string; ts: string; text: string }> }>(
                `${run.evaluator.url}/api/notifications`,
              )
            ).notifications[0],
          ),
        { timeout: 20_000 },
      );
      await vi.waitFor(
        async () =>
          present(
            'sent',
            (await getJson<{ notifications: Array<{ status: string }> }>(`${run.evaluator.url}/api/notifications`)).notifications[0]
              ?.status === 'sent',
          ),
        { timeout: 20_000 },
      );
      expect(n.text).toContain('[FIRING:1] FlagUp');
      expect(run.slack.calls).toHaveLength(0);
    } finally {
      await run.stop();
      metrics.delete('t_notoken', { service: 'cart' });
    }
  });
});
