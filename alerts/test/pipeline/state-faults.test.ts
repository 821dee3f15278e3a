import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StateStore } from '../../src/state/store.ts';
import { FakeSlack, present } from '@shopscope/testkit';
import { FakePrometheus } from '../support/fake-prometheus.ts';
import { auth, fakeBackedOptions, rawRequest, scratch, start } from '../support/harness.ts';

const RULES = `
groups:
  - name: disk
    interval: 1s
    rules:
      - alert: CartDown
        expr: cart_up == 0
        labels: { severity: page }
        annotations: { summary: "cart is down" }
`;
const POLICY = `
route: { receiver: oncall, group_by: [alertname], group_wait: 200ms, group_interval: 1s }
receivers: [{ name: oncall, slack_channel: '#alerts' }]
`;

/** A state store whose every call fails like a full disk while `failing` says so for that method. */
function flakyStore(path: string, failing: { when: (method: string) => boolean }): StateStore {
  const store = new StateStore(path);
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]) => {
        if (failing.when(String(prop))) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

describe("the evaluator's own faults", () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  async function setUp(failing: { when: (method: string) => boolean }) {
    const prometheus = await new FakePrometheus().start();
    const slack = await new FakeSlack().start();
    const files = scratch({ 'disk.rules.yml': RULES }, POLICY);
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino(
      { level: 'info' },
      {
        write: (line: string) => {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => {
      unhandled.push(err);
    };
    process.on('unhandledRejection', onUnhandled);
    const evaluator = await start(
      {
        ...fakeBackedOptions(files, prometheus.url, slack.apiUrl),
        backoffInitialMs: 100,
        backoffMaxMs: 500,
      },
      { logger, openStore: (path) => flakyStore(path, failing) },
    );
    cleanups.push(async () => {
      process.off('unhandledRejection', onUnhandled);
      await evaluator.stop();
      await slack.stop();
      await prometheus.stop();
      files.cleanup();
    });
    const stateErrors = async () => {
      const text = (await rawRequest(evaluator.url, { path: '/metrics' })).body;
      return Object.fromEntries(
        [...text.matchAll(/^shopscope_alerts_state_errors_total\{stage="(\w+)"\} (\d+)/gm)].map((m) => [m[1], Number(m[2])]),
      );
    };
    return { prometheus, slack, evaluator, logs, unhandled, stateErrors };
  }

  it('survives a state database that fails (disk full): counts, logs, answers 503, and pages once it recovers', async () => {
    const failing = { on: false };
    const run = await setUp({ when: () => failing.on });
    failing.on = true;
    run.prometheus.set('cart_up == 0', { service: 'cart' });
    // every stage hits the failing store for a while: evaluation, notification, delivery, the API
    await vi.waitFor(
      async () => {
        const e = await run.stateErrors();
        return present('errors in every stage', (e.evaluate ?? 0) > 2 && (e.deliver ?? 0) > 2 && (e.notify ?? 0) > 0);
      },
      { timeout: 10_000 },
    );
    const health = await rawRequest(run.evaluator.url, { path: '/-/healthy' });
    expect(health.status).toBe(200);
    const list = await rawRequest(run.evaluator.url, { path: '/api/silences' });
    expect(list.status).toBe(503);
    expect(list.json.error.code).toBe('SHOPSCOPE_ERR_STATE_STORE');
    const post = await rawRequest(run.evaluator.url, {
      method: 'POST',
      path: '/api/silences',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ matchers: ['a="b"'], duration: '1h', createdBy: 'x', comment: 'y' }),
    });
    expect(post.status).toBe(503);
    // logged once per stage and run of failures, not once per retry
    const logged = run.logs.filter((l) => l.event === 'alert.state_error');
    expect(logged.map((l) => l.stage)).toEqual(expect.arrayContaining(['evaluate', 'notify', 'deliver', 'api']));
    expect(logged.filter((l) => l.stage === 'deliver')).toHaveLength(1);
    expect(run.slack.messages).toHaveLength(0);

    failing.on = false;
    await vi.waitFor(() => present('the page once the disk has room', run.slack.messages[0]), { timeout: 15_000 });
    await new Promise((r) => setTimeout(r, 2000));
    expect(run.slack.messages.filter((m) => !m.threadTs)).toHaveLength(1);
    expect(run.logs.some((l) => l.event === 'alert.state_recovered')).toBe(true);
    expect(run.unhandled).toEqual([]);
  });

  it('does not page twice when the record of a sent page fails: the next attempt finds it in Slack', async () => {
    let failRecords = true;
    const run = await setUp({ when: (method) => failRecords && method === 'markSent' });
    run.prometheus.set('cart_up == 0', { service: 'cart' });
    await vi.waitFor(() => present('the page reached Slack', run.slack.messages[0]), { timeout: 10_000 });
    await vi.waitFor(async () => present('the record failed', ((await run.stateErrors()).deliver ?? 0) > 0), { timeout: 20_000 });
    failRecords = false;
    await vi.waitFor(
      async () =>
        present('recorded', (await rawRequest(run.evaluator.url, { path: '/api/notifications' })).json.notifications[0]?.status === 'sent'),
      { timeout: 10_000 },
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(run.slack.messages.filter((m) => !m.threadTs)).toHaveLength(1);
    expect(run.slack.callsOf('conversations.history').length).toBeGreaterThan(0);
    expect(run.unhandled).toEqual([]);
  });
});
