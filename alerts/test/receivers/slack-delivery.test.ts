import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics } from '../../src/metrics.ts';
import { DeliveryWorker } from '../../src/pipeline/deliver.ts';
import { groupMessage, type GroupNotice } from '../../src/receivers/message.ts';
import { SlackTransport } from '../../src/receivers/slack/slack-transport.ts';
import { StateStore } from '../../src/state/store.ts';
import { FakeSlack, type FakeSlackOptions, present } from '@shopscope/testkit';
import { quietLogger } from '../support/harness.ts';

const notice = (summary: string, labels: Record<string, string> = {}): GroupNotice => ({
  reason: 'firing',
  groupKey: `0:{"alertname":"Down","service":"cart"}`,
  groupLabels: { alertname: 'Down', service: 'cart' },
  receiver: 'oncall',
  firing: [
    {
      fingerprint: 'f1',
      labels: { alertname: 'Down', service: 'cart', severity: 'page', ...labels },
      annotations: { summary, runbook_url: 'https://runbooks.example/down' },
      value: 1,
      activeAt: Date.now(),
    },
  ],
  resolved: [],
  at: Date.now(),
});

/** The deliver stage alone, against the fake Slack: the outbox in memory, one post queued. */
async function setUp(options: { slack?: FakeSlackOptions; timeoutMs?: number; maxRetryAfterMs?: number } = {}) {
  const slack = await new FakeSlack(options.slack).start();
  const store = new StateStore(':memory:');
  const metrics = createMetrics();
  const transport = new SlackTransport('xoxb-test', slack.apiUrl, options.timeoutMs ?? 2000, options.maxRetryAfterMs);
  const worker = new DeliveryWorker(
    store,
    () => ({ primary: transport }),
    { ratePerChannel: 50, backoffInitialMs: 100, backoffMaxMs: 400, undeliverableAfterMs: 60_000 },
    metrics,
    quietLogger,
  );
  const enqueue = (n: GroupNotice, kind: 'post' | 'update' = 'post', threadId?: number) => {
    const thread = threadId ?? store.createThread(n.groupKey, 'oncall', '#alerts', Date.now());
    const id = store.enqueueDelivery({
      threadId: thread,
      receiver: 'oncall',
      channel: '#alerts',
      kind,
      reason: n.reason,
      payload: groupMessage(n),
      nextAttemptAt: Date.now(),
      createdAt: Date.now(),
      groupKey: n.groupKey,
    });
    worker.nudge();
    return { thread, id };
  };
  const delivery = (id: number) => store.listDeliveries().find((d) => d.id === id)!;
  worker.start();
  const stop = async () => {
    await worker.stop();
    await slack.stop();
    store.close();
  };
  return { slack, store, transport, worker, enqueue, delivery, metrics, stop };
}

describe('Slack delivery across ambiguous failures and refusals', () => {
  const running: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of running.splice(0)) await stop();
  });
  const topLevel = (slack: FakeSlack) => slack.messages.filter((m) => !m.threadTs && m.metadata);

  for (const [what, fault] of [
    ['a 5xx', { status: 503, applied: true }],
    ['internal_error', { error: 'internal_error', applied: true }],
    ['a timeout', { delayMs: 1500 }],
  ] as const) {
    it(`finds the page Slack posted before answering with ${what}, and does not post it again`, async () => {
      const run = await setUp({ timeoutMs: 500 });
      running.push(run.stop);
      run.slack.failNext('chat.postMessage', fault);
      const { id } = run.enqueue(notice('cart is down'));
      const sent = await vi.waitFor(() => present('delivery recorded', run.delivery(id).status === 'sent' && run.delivery(id)), {
        timeout: 10_000,
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(topLevel(run.slack)).toHaveLength(1);
      expect(sent.ts).toBe(topLevel(run.slack)[0]?.ts);
      expect(run.slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
      const lookup = run.slack.callsOf('conversations.history')[0];
      expect(lookup?.params.include_all_metadata).toBe(true);
      // the marker: one group, one firing
      expect(topLevel(run.slack)[0]?.metadata).toEqual({
        event_type: 'shopscope_alert',
        event_payload: expect.objectContaining({
          group_key: notice('').groupKey,
          firing_id: 1,
          fired_at: expect.any(Number),
          delivery_id: id,
        }),
      });
    });
  }

  it('posts after a 5xx that Slack did not act on, once', async () => {
    const run = await setUp();
    running.push(run.stop);
    run.slack.failNext('chat.postMessage', { status: 500 });
    const { id } = run.enqueue(notice('cart is down'));
    await vi.waitFor(() => present('sent', run.delivery(id).status === 'sent'), { timeout: 10_000 });
    expect(topLevel(run.slack)).toHaveLength(1);
    expect(run.slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([500, 200]);
  });

  it('pages back through the channel history with the cursor to find its message', async () => {
    const run = await setUp();
    running.push(run.stop);
    run.slack.failNext('chat.postMessage', { status: 503, applied: true });
    run.slack.failNext('conversations.history', { status: 503 }); // the first look-up fails: people keep talking meanwhile
    const { id } = run.enqueue(notice('cart is down'));
    await vi.waitFor(
      () =>
        present(
          'the 5xx',
          run.slack.calls.find((c) => c.method === 'conversations.history'),
        ),
      { timeout: 20_000 },
    );
    run.slack.addMessages('C0ALERTS', 450);
    await vi.waitFor(() => present('sent', run.delivery(id).status === 'sent'), { timeout: 10_000 });
    expect(topLevel(run.slack)).toHaveLength(1);
    expect(run.delivery(id).ts).toBe(topLevel(run.slack)[0]?.ts);
    const pages = run.slack.callsOf('conversations.history');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(1).every((c) => typeof c.params.cursor === 'string' && c.params.cursor !== '')).toBe(true);
  });

  it('finds a message far back in a busy channel (crash recovery reads past the last 200)', async () => {
    const run = await setUp();
    running.push(run.stop);
    const { id, thread } = run.enqueue(notice('cart is down'));
    await vi.waitFor(() => present('sent', run.delivery(id).status === 'sent'), { timeout: 20_000 });
    run.slack.addMessages('C0ALERTS', 700);
    const d = run.delivery(id);
    expect(await run.transport.findDelivered(d, run.store.getThread(thread)!)).toBe(d.ts);
  });

  it('sends a page whose blocks Slack refuses (invalid_blocks) again as plain text: never lost to formatting', async () => {
    const run = await setUp();
    running.push(run.stop);
    run.slack.failNext('chat.postMessage', { error: 'invalid_blocks' });
    const { id, thread } = run.enqueue(notice('checkout & cart <down>'));
    await vi.waitFor(() => present('sent', run.delivery(id).status === 'sent'), { timeout: 10_000 });
    const [message] = topLevel(run.slack);
    expect(message?.blocks).toEqual([]);
    expect(message?.text).toContain('[FIRING:1] Down (service=cart)');
    expect(message?.text).toContain('checkout &amp; cart &lt;down&gt;');
    expect(message?.text).toContain('<https://runbooks.example/down|Runbook>');
    // an update refused the same way replaces the blocks with text too
    run.store.setThreadMessage(thread, message!.ts, 'C0ALERTS');
    run.slack.failNext('chat.update', { error: 'invalid_blocks' });
    const update = run.enqueue({ ...notice('now worse'), reason: 'update' }, 'update', thread);
    await vi.waitFor(() => present('updated', run.delivery(update.id).status === 'sent'), { timeout: 10_000 });
    expect(message?.text).toContain('now worse');
    expect(message?.edits).toBe(1);
  });

  it("gets a page with huge label values through Slack's block validation", async () => {
    const run = await setUp();
    running.push(run.stop);
    const huge = '<&>'.repeat(3000);
    const { id } = run.enqueue(notice(huge, { severity: huge, team: huge }));
    await vi.waitFor(() => present('sent', run.delivery(id).status === 'sent'), { timeout: 10_000 });
    expect(run.slack.calls.filter((c) => c.error === 'invalid_blocks')).toHaveLength(0);
    expect(topLevel(run.slack)[0]?.blocks.length).toBeGreaterThan(0);
  });

  it('caps a huge Retry-After: the page goes out after the cap, not a day later', async () => {
    const run = await setUp({ maxRetryAfterMs: 1000 });
    running.push(run.stop);
    run.slack.failNext('chat.postMessage', { status: 429, retryAfter: 86_400 });
    const { id } = run.enqueue(notice('cart is down'));
    const limited = await vi.waitFor(
      () =>
        present(
          '429',
          run.slack.calls.find((c) => c.status === 429),
        ),
      { timeout: 20_000 },
    );
    await vi.waitFor(() => present('sent after the cap', run.delivery(id).status === 'sent'), { timeout: 5000 });
    const post = run.slack.callsOf('chat.postMessage')[0]!;
    expect(post.at - limited.at).toBeGreaterThanOrEqual(950);
    expect(post.at - limited.at).toBeLessThan(3000);
  });
});
