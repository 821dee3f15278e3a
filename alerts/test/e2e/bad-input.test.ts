import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { flagRule, simplePolicy, startWithSlack, usePrometheus } from '../support/fixture.ts';
import { auth, getJson, scratch, start, TEST_TOKEN } from '../support/harness.ts';

const CLI = fileURLToPath(new URL('../../bin/shopscope-alerts.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
// The evaluator runs in this process: talking to it needs a CLI that does not block the event loop.
const cliAsync = (args: string[], env: Record<string, string> = { SHOPSCOPE_ALERTS_TOKEN: TEST_TOKEN }) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    const { SHOPSCOPE_ALERTS_TOKEN: _inherited, ...base } = process.env;
    execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...base, ...env } }, (err, stdout, stderr) =>
      resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });

// Bad rule files, bad policy, bad silence requests: a clear error, and nothing that worked is lost.
describe('bad input', () => {
  const { metrics, prometheus } = usePrometheus();

  it('answers bad API requests with {error:{code,message}} and stores nothing', async () => {
    const run = await startWithSlack(prometheus().url, flagRule('t_api'), simplePolicy());
    try {
      const post = (body: string) =>
        fetch(`${run.evaluator.url}/api/silences`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...auth } });
      const notJson = await post('{not json');
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toEqual({ error: { code: 'SHOPSCOPE_ERR_BAD_REQUEST', message: 'the body is not valid JSON' } });
      const everything = await post(JSON.stringify({ matchers: ['alertname=~".*"'], duration: '1h', createdBy: 'x', comment: 'y' }));
      expect(everything.status).toBe(400);
      expect(((await everything.json()) as { error: { code: string } }).error.code).toBe('SHOPSCOPE_ERR_SILENCE_INVALID');
      const missing = await fetch(`${run.evaluator.url}/api/silences/00000000-0000-0000-0000-000000000000`, {
        method: 'DELETE',
        headers: auth,
      });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('SHOPSCOPE_ERR_SILENCE_NOT_FOUND');
      const unknown = await fetch(`${run.evaluator.url}/api/nothing`);
      expect(unknown.status).toBe(404);
      const huge = await post(JSON.stringify({ comment: 'x'.repeat(100_000) }));
      expect(huge.status).toBe(400);
      expect((await getJson<{ silences: unknown[] }>(`${run.evaluator.url}/api/silences`)).silences).toEqual([]);
    } finally {
      await run.stop();
    }
  });

  it('keeps evaluating the last good version of a group broken by an edit, and the other groups', async () => {
    metrics.set('t_reload', { service: 'cart' }, 1);
    const run = await startWithSlack(prometheus().url, flagRule('t_reload', { alert: 'First' }), simplePolicy());
    try {
      writeFileSync(
        join(run.files.rulesDir, 'other.rules.yml'),
        flagRule('t_reload', { alert: 'Second' }).replace('name: t_reload', 'name: other'),
      );
      const ok = await run.evaluator.reload();
      expect(ok.problems).toEqual([]);
      expect(ok.groups).toBe(2);
      // break the first group's PromQL
      writeFileSync(join(run.files.rulesDir, 'test.rules.yml'), flagRule('t_reload', { alert: 'First' }).replace('== 1', '== (1'));
      const broken = await run.evaluator.reload();
      expect(broken.groups).toBe(2);
      expect(broken.problems).toEqual([
        expect.stringMatching(
          /test\.rules\.yml:\d+:\d+: group "t_reload" rule "First" could not parse expression: .*parse error.* \[SHOPSCOPE_ERR_RULE_EXPR_INVALID\]/,
        ),
      ]);
      const status = await getJson<{ groups: Array<{ name: string }>; problems: Array<{ code: string }> }>(
        `${run.evaluator.url}/api/rules`,
      );
      expect(status.groups.map((g) => g.name).sort()).toEqual(['other', 't_reload']);
      const pages = await vi.waitFor(
        () => {
          const p = run.slack.callsOf('chat.postMessage');
          return present('both alerts page', p.length >= 2 ? p : undefined);
        },
        { timeout: 20_000 },
      );
      expect(pages.map((p) => String(p.params.text).split(' ')[1]).sort()).toEqual(['First', 'Second']);
      expect(await (await fetch(`${run.evaluator.url}/metrics`)).text()).toMatch(/shopscope_alerts_rule_problems 1/);
    } finally {
      await run.stop();
      metrics.delete('t_reload', { service: 'cart' });
    }
  });

  it('keeps the previous policy when the policy file turns bad, and refuses to start on a bad one', async () => {
    const run = await startWithSlack(prometheus().url, flagRule('t_policy'), simplePolicy());
    try {
      writeFileSync(run.files.policy, 'route: { receiver: nobody }\nreceivers: [{ name: someone }]\n');
      const reloaded = await run.evaluator.reload();
      expect(reloaded.problems).toEqual([expect.stringContaining('unknown receiver "nobody"')]);
      expect((await getJson<{ policyError?: string }>(`${run.evaluator.url}/api/rules`)).policyError).toContain(
        'unknown receiver "nobody"',
      );
      expect((await fetch(`${run.evaluator.url}/-/healthy`)).status).toBe(200);
      const files = scratch({}, 'route: { receiver: nobody }\nreceivers: [{ name: someone }]\n');
      await expect(
        start({ rulesDir: files.rulesDir, policy: files.policy, stateFile: files.stateFile, prometheusUrl: prometheus().url }),
      ).rejects.toMatchObject({ code: 'SHOPSCOPE_ERR_POLICY_INVALID', message: expect.stringContaining('unknown receiver "nobody"') });
      await expect(
        start({ rulesDir: files.rulesDir, policy: files.policy, stateFile: files.stateFile, prometheusUrl: 'not a url' }),
      ).rejects.toMatchObject({ code: 'SHOPSCOPE_ERR_CONFIG_INVALID' });
      files.cleanup();
    } finally {
      await run.stop();
    }
  });

  it('CLI: check reports each problem with its place and fails; silence add/list/expire work against the API', async () => {
    const files = scratch({ 'bad.yml': 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(x[5m]\n' }, simplePolicy());
    try {
      const check = cli('check', files.rulesDir, '--policy', files.policy);
      expect(check.status).toBe(1);
      expect(check.stderr).toMatch(/bad\.yml:5:15: group "g" rule "A" could not parse expression/);
      const good = cli('check');
      expect(good.stdout).toMatch(/0 problems/);
      expect(good.status).toBe(0);
      expect(cli('slo', '--check').status).toBe(0);
      expect(cli('frobnicate').status).toBe(2);
    } finally {
      files.cleanup();
    }
    const run = await startWithSlack(prometheus().url, flagRule('t_cli'), simplePolicy());
    try {
      const add = await cliAsync([
        'silence',
        'add',
        '--matcher',
        'alertname="FlagUp"',
        '--duration',
        '30m',
        '--comment',
        'deploy',
        '--author',
        'ci',
        '--url',
        run.evaluator.url,
      ]);
      expect(add.status).toBe(0);
      const id = (JSON.parse(add.stdout) as { silence: { id: string } }).silence.id;
      expect(JSON.parse((await cliAsync(['silence', 'list', '--url', run.evaluator.url])).stdout).silences[0]).toMatchObject({
        id,
        status: 'active',
        createdBy: 'ci',
      });
      expect((await cliAsync(['silence', 'expire', id, '--url', run.evaluator.url])).status).toBe(0);
      const bad = await cliAsync(['silence', 'add', '--matcher', 'alertname="X"', '--url', run.evaluator.url]);
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('SHOPSCOPE_ERR_SILENCE_INVALID');
      // without the token in its environment the CLI is refused, and says what to send
      const refused = await cliAsync(
        ['silence', 'add', '--matcher', 'alertname="FlagUp"', '--duration', '30m', '--comment', 'x', '--url', run.evaluator.url],
        {},
      );
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('SHOPSCOPE_ERR_UNAUTHORIZED');
      const wrong = await cliAsync(['silence', 'expire', id, '--url', run.evaluator.url], { SHOPSCOPE_ALERTS_TOKEN: 'wrong' });
      expect(wrong.stderr).toContain('SHOPSCOPE_ERR_UNAUTHORIZED');
    } finally {
      await run.stop();
    }
  });
});
