import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSlack, freePort, present } from '@shopscope/testkit';
import { flagRule, simplePolicy, usePrometheus } from '../support/fixture.ts';
import { getJson, scratch, type ApiAlert, type ApiNotification } from '../support/harness.ts';

// The evaluator as a real process, killed with SIGKILL and started again on the same state file.
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

describe('restart after kill -9', () => {
  const { metrics, prometheus } = usePrometheus();
  const children: ChildProcess[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    for (const f of cleanups.splice(0)) await f();
  });

  async function launch(env: Record<string, string>, port: number): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ALERTS_WATCH: 'false', ...env, ALERTS_PORT: String(port), ALERTS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await vi.waitFor(async () => present('evaluator healthy', (await fetch(`${url}/-/healthy`)).ok), { timeout: 30_000 });
    return { child, url };
  }

  async function kill9(child: ChildProcess): Promise<void> {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async function setUp(metric: string) {
    const slack = await new FakeSlack().start();
    const files = scratch({ 'r.rules.yml': flagRule(metric) }, simplePolicy());
    cleanups.push(
      () => slack.stop(),
      () => files.cleanup(),
      () => metrics.delete(metric, { service: 'orders' }),
    );
    const env = {
      ALERTS_RULES: files.rulesDir,
      ALERTS_POLICY: files.policy,
      ALERTS_STATE_FILE: files.stateFile,
      PROMETHEUS_URL: prometheus().url,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: slack.apiUrl,
      VICTORIALOGS_URL: '',
    };
    return { slack, env, files, port: await freePort() };
  }

  it('keeps a firing alert, does not page again, and updates the same message on resolve', async () => {
    const { slack, env, port } = await setUp('t_restart');
    metrics.set('t_restart', { service: 'orders' }, 1);
    const first = await launch(env, port);
    const page = await vi.waitFor(() => present('page', slack.callsOf('chat.postMessage')[0]), { timeout: 20_000 });
    const before = (await getJson<{ alerts: ApiAlert[] }>(`${first.url}/api/alerts`)).alerts;
    expect(before.map((a) => a.state)).toEqual(['firing']);
    await kill9(first.child);

    const second = await launch(env, port);
    const after = await vi.waitFor(
      async () =>
        present(
          'alert restored',
          (await getJson<{ alerts: Array<ApiAlert & { activeSince: string }> }>(`${second.url}/api/alerts`)).alerts[0],
        ),
      { timeout: 20_000 },
    );
    expect(after.state).toBe('firing');
    expect(after.fingerprint).toBe(before[0]?.fingerprint);
    // several group_interval ticks pass: still one page
    await new Promise((r) => setTimeout(r, 4000));
    expect(slack.callsOf('chat.postMessage')).toHaveLength(1);

    metrics.set('t_restart', { service: 'orders' }, 0);
    const update = await vi.waitFor(() => present('update on resolve', slack.callsOf('chat.update')[0]), { timeout: 20_000 });
    expect(update.params.ts).toBe(page.ts);
    const reply = await vi.waitFor(
      () =>
        present(
          'reply',
          slack.callsOf('chat.postMessage').find((c) => c.params.thread_ts),
        ),
      { timeout: 20_000 },
    );
    expect(reply.params.thread_ts).toBe(page.ts);
    expect(slack.messages.filter((m) => !m.threadTs)).toHaveLength(1);
  });

  it('finds a page Slack accepted just before the kill instead of posting it twice', async () => {
    const { slack, env, port } = await setUp('t_inflight');
    slack.holdResponses = true;
    metrics.set('t_inflight', { service: 'orders' }, 1);
    const first = await launch(env, port);
    await vi.waitFor(() => present('Slack received the page', slack.messages[0]), { timeout: 20_000 });
    await kill9(first.child); // the answer with the message ts never reached the evaluator
    slack.releaseHeld();

    const second = await launch(env, port);
    const sent = await vi.waitFor(
      async () =>
        present(
          'delivery recovered',
          (await getJson<{ notifications: ApiNotification[] }>(`${second.url}/api/notifications`)).notifications.find(
            (n) => n.status === 'sent',
          ),
        ),
      { timeout: 20_000 },
    );
    expect(sent.ts).toBe(slack.messages[0]?.ts);
    expect(slack.callsOf('conversations.history').length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);

    metrics.set('t_inflight', { service: 'orders' }, 0);
    const update = await vi.waitFor(() => present('update on resolve', slack.callsOf('chat.update')[0]), { timeout: 20_000 });
    expect(update.params.ts).toBe(slack.messages[0]?.ts);
  });

  it('reloads its rules on SIGHUP, and by itself when a rule file changes', async () => {
    const { env, files, port } = await setUp('t_sighup');
    const groups = async (url: string) =>
      (await getJson<{ groups: Array<{ name: string }> }>(`${url}/api/rules`)).groups.map((g) => g.name).sort();
    const first = await launch(env, port);
    expect(await groups(first.url)).toEqual(['t_sighup']);
    writeFileSync(join(files.rulesDir, 'more.rules.yml'), flagRule('t_more'));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await groups(first.url)).toEqual(['t_sighup']); // watching is off in this process
    first.child.kill('SIGHUP');
    await vi.waitFor(async () => present('new group after SIGHUP', (await groups(first.url)).length === 2), { timeout: 20_000 });
    expect(await groups(first.url)).toEqual(['t_more', 't_sighup']);
    await kill9(first.child);

    const watching = await launch({ ...env, ALERTS_WATCH: 'true' }, port);
    writeFileSync(join(files.rulesDir, 'third.rules.yml'), flagRule('t_third'));
    await vi.waitFor(async () => present('new group picked up by the watcher', (await groups(watching.url)).includes('t_third')), {
      timeout: 20_000,
    });
  });
});
