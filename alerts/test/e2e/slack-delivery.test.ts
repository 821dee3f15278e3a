import { describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { getJson, type ApiNotification } from '../support/harness.ts';
import { flagRule, simplePolicy, startWithSlack, usePrometheus } from '../support/fixture.ts';

// How pages reach Slack when Slack misbehaves: every case asserts on the calls the fake received.
describe('delivery to Slack', () => {
  const { metrics, prometheus } = usePrometheus();
  const notifications = async (url: string) =>
    (await getJson<{ notifications: ApiNotification[] }>(`${url}/api/notifications`)).notifications;

  it('waits for Retry-After after a 429, then posts exactly once', async () => {
    metrics.set('t_ratelimited', { service: 'cart' }, 1);
    const run = await startWithSlack(prometheus().url, flagRule('t_ratelimited'), simplePolicy());
    try {
      run.slack.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
      const ok = await vi.waitFor(() => present('post after 429', run.slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
      const limited = run.slack.calls.find((c) => c.status === 429);
      expect(limited).toBeDefined();
      expect(ok.at - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1950);
      await new Promise((r) => setTimeout(r, 1500));
      expect(run.slack.callsOf('chat.postMessage')).toHaveLength(1);
      expect(run.slack.messages).toHaveLength(1);
    } finally {
      await run.stop();
      metrics.delete('t_ratelimited', { service: 'cart' });
    }
  });

  it('retries 5xx and ok:false with backoff, and posts once', async () => {
    metrics.set('t_flaky', { service: 'cart' }, 1);
    const run = await startWithSlack(prometheus().url, flagRule('t_flaky'), simplePolicy());
    try {
      run.slack.failNext('chat.postMessage', { status: 503 });
      run.slack.failNext('chat.postMessage', { error: 'internal_error' });
      run.slack.failNext('chat.postMessage', { status: 500 });
      await vi.waitFor(() => present('post after failures', run.slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
      const attempts = run.slack.calls.filter((c) => c.method === 'chat.postMessage');
      // ok:false comes with HTTP 200, as Slack sends it
      expect(attempts.map((c) => c.status)).toEqual([503, 200, 500, 200]);
      expect(attempts.map((c) => c.ok)).toEqual([false, false, false, true]);
      // backoff grows: 200 ms, 400 ms, 800 ms
      const gaps = attempts.slice(1).map((c, i) => c.at - (attempts[i]?.at ?? 0));
      expect(gaps[0]).toBeGreaterThanOrEqual(180);
      expect(gaps[2]).toBeGreaterThanOrEqual(gaps[0] as number);
      expect(run.slack.messages).toHaveLength(1);
      const [n] = await notifications(run.evaluator.url);
      expect(n).toMatchObject({ kind: 'post', status: 'sent', attempts: 4 });
    } finally {
      await run.stop();
      metrics.delete('t_flaky', { service: 'cart' });
    }
  });

  it('reports a page held up by an outage as undeliverable, then delivers it once Slack is back', async () => {
    metrics.set('t_outage', { service: 'cart' }, 1);
    const run = await startWithSlack(prometheus().url, flagRule('t_outage'), simplePolicy(), { undeliverableAfterMs: 1500 });
    try {
      run.slack.outage = { status: 503 };
      await vi.waitFor(
        async () =>
          present(
            'undeliverable status',
            (await notifications(run.evaluator.url)).find((n) => n.status === 'undeliverable'),
          ),
        { timeout: 20_000 },
      );
      const metricsText = await (await fetch(`${run.evaluator.url}/metrics`)).text();
      expect(metricsText).toMatch(/shopscope_alerts_notifications_undeliverable 1/);
      expect(metricsText).toMatch(
        /shopscope_alerts_notifications_failed_total\{receiver="oncall",transport="slack",retryable="true"\} [1-9]/,
      );
      run.slack.outage = undefined;
      await vi.waitFor(() => present('delivered after outage', run.slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
      await vi.waitFor(
        async () =>
          present(
            'status sent',
            (await notifications(run.evaluator.url)).every((n) => n.status === 'sent'),
          ),
        { timeout: 20_000 },
      );
      expect(run.slack.messages).toHaveLength(1);
      expect(await (await fetch(`${run.evaluator.url}/metrics`)).text()).toMatch(/shopscope_alerts_notifications_undeliverable 0/);
    } finally {
      await run.stop();
      metrics.delete('t_outage', { service: 'cart' });
    }
  });

  it('does not retry a bad token; with the fallback unreachable too, the page is listed as failed', async () => {
    metrics.set('t_badtoken', { service: 'cart' }, 1);
    const run = await startWithSlack(prometheus().url, flagRule('t_badtoken'), simplePolicy({ webhookUrl: 'http://127.0.0.1:9/unused' }), {
      slackToken: 'xoxb-revoked',
    });
    try {
      const failed = await vi.waitFor(
        () =>
          present(
            'invalid_auth answer',
            run.slack.calls.find((c) => c.error === 'invalid_auth'),
          ),
        { timeout: 20_000 },
      );
      expect(failed.method).toBe('chat.postMessage');
      const [n] = await vi.waitFor(
        async () => {
          const list = await notifications(run.evaluator.url);
          return present('failed delivery', list.length && list.every((x) => x.status === 'failed') ? list : undefined);
        },
        { timeout: 20_000 },
      );
      expect(n?.lastError).toContain('invalid_auth');
      await new Promise((r) => setTimeout(r, 1500));
      expect(run.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    } finally {
      await run.stop();
      metrics.delete('t_badtoken', { service: 'cart' });
    }
  });

  it('sends through the webhook fallback when Slack refuses the channel', async () => {
    metrics.set('t_fallback', { service: 'cart' }, 1);
    const { FakeSlack } = await import('@shopscope/testkit');
    const webhookSink = await new FakeSlack().start();
    const run = await startWithSlack(
      prometheus().url,
      flagRule('t_fallback'),
      simplePolicy({ channel: '#no-such-channel', webhookUrl: `${webhookSink.url}/webhook/T000/B000` }),
    );
    try {
      await vi.waitFor(
        () =>
          present(
            'channel_not_found',
            run.slack.calls.find((c) => c.error === 'channel_not_found'),
          ),
        { timeout: 20_000 },
      );
      const post = await vi.waitFor(() => present('webhook post', webhookSink.webhookPosts[0]), { timeout: 20_000 });
      expect(JSON.stringify(post.body)).toContain('FIRING:1');
      const [n] = await vi.waitFor(
        async () => {
          const list = await notifications(run.evaluator.url);
          return present('sent via fallback', list.length && list[0]?.status === 'sent' ? list : undefined);
        },
        { timeout: 20_000 },
      );
      expect(n?.kind).toBe('post');
    } finally {
      await run.stop();
      await webhookSink.stop();
      metrics.delete('t_fallback', { service: 'cart' });
    }
  });

  it('posts repeats in the thread of the first message, never as new messages', async () => {
    metrics.set('t_repeat', { service: 'cart' }, 1);
    const run = await startWithSlack(prometheus().url, flagRule('t_repeat'), simplePolicy({ repeat: '2s' }));
    try {
      const page = await vi.waitFor(() => present('page', run.slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
      const repeats = await vi.waitFor(
        () => {
          const r = run.slack.callsOf('chat.postMessage').filter((c) => c.params.thread_ts);
          return present('two repeats', r.length >= 2 ? r : undefined);
        },
        { timeout: 15_000 },
      );
      for (const r of repeats) {
        expect(r.params.thread_ts).toBe(page.ts);
        expect(String(r.params.text)).toContain('Still firing');
      }
      expect(run.slack.callsOf('chat.postMessage').filter((c) => !c.params.thread_ts)).toHaveLength(1);
      // repeat_interval (2s), not group_interval (1s), spaces them
      expect(repeats[1]!.at - repeats[0]!.at).toBeGreaterThanOrEqual(1500);
    } finally {
      await run.stop();
      metrics.delete('t_repeat', { service: 'cart' });
    }
  });

  it('delivers a flood of 200 pages within the channel rate limit and loses none', async () => {
    for (let i = 0; i < 200; i++) metrics.set('t_flood', { service: `svc-${i}` }, 1);
    // Slack lets 20 messages a second into the channel; the evaluator paces itself at 15/s.
    // keep_firing_for: a scrape missed on a loaded machine must not resolve and re-page an alert
    // (a second page for the same alert would count as a lost-or-duplicated delivery here)
    const run = await startWithSlack(
      prometheus().url,
      flagRule('t_flood', { keepFiringFor: '2m' }),
      simplePolicy({ groupBy: "['...']" }),
      { ratePerChannel: 15 },
      { ratePerChannel: 20, retryAfterSeconds: 1 },
    );
    try {
      await vi.waitFor(() => present('200 pages', run.slack.callsOf('chat.postMessage').length >= 200), { timeout: 40_000, interval: 250 });
      await new Promise((r) => setTimeout(r, 1000));
      const posts = run.slack.callsOf('chat.postMessage');
      expect(posts).toHaveLength(200);
      const services = new Set(run.slack.messages.map((m) => /svc-\d+/.exec(m.text)?.[0]));
      expect(services.size).toBe(200);
      const ids = new Set(run.slack.messages.map((m) => m.metadata?.event_payload.delivery_id));
      expect(ids.size).toBe(200);
      // no second in which more than the channel's limit was accepted, and Slack never had to say 429
      const times = posts.map((p) => p.at).sort((a, b) => a - b);
      const maxInWindow = Math.max(...times.map((t, i) => times.filter((u, j) => j >= i && u - t < 1000).length));
      expect(maxInWindow).toBeLessThanOrEqual(20);
      expect(run.slack.calls.filter((c) => c.status === 429)).toHaveLength(0);
    } finally {
      await run.stop();
      for (let i = 0; i < 200; i++) metrics.delete('t_flood', { service: `svc-${i}` });
    }
  });

  it('loses none of 200 pages either when it is pushed past the limit and Slack answers 429', async () => {
    for (let i = 0; i < 200; i++) metrics.set('t_flood2', { service: `svc-${i}` }, 1);
    // keep_firing_for: a scrape missed on a loaded machine must not resolve and re-page an alert
    // (a second page for the same alert would count as a lost-or-duplicated delivery here)
    const run = await startWithSlack(
      prometheus().url,
      flagRule('t_flood2', { keepFiringFor: '2m' }),
      simplePolicy({ groupBy: "['...']" }),
      { ratePerChannel: 100 },
      { ratePerChannel: 25, retryAfterSeconds: 1 },
    );
    try {
      await vi.waitFor(() => present('200 pages', run.slack.callsOf('chat.postMessage').length >= 200), { timeout: 40_000, interval: 250 });
      await new Promise((r) => setTimeout(r, 1000));
      expect(run.slack.calls.filter((c) => c.status === 429).length).toBeGreaterThan(0);
      expect(run.slack.callsOf('chat.postMessage')).toHaveLength(200);
      expect(new Set(run.slack.messages.map((m) => m.text)).size).toBe(200);
      // after each 429 the channel stayed quiet for Retry-After
      for (const limited of run.slack.calls.filter((c) => c.status === 429)) {
        const next = run.slack.calls.find((c) => c.at > limited.at && c.method === 'chat.postMessage' && c.status !== 429 && c !== limited);
        if (next) expect(next.at - limited.at).toBeGreaterThanOrEqual(950);
      }
    } finally {
      await run.stop();
      for (let i = 0; i < 200; i++) metrics.delete('t_flood2', { service: `svc-${i}` });
    }
  });
});
