import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, startVictoriaLogs, victoriaLogsBinary, type RunningVictoriaLogs, present } from '@shopscope/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEvaluator } from '../../src/evaluator.ts';
import { FakeSlack } from '@shopscope/testkit';
import { checkLogsqlWithVictoriaLogs } from '../../src/rules/logsql-check.ts';
import { loadRules } from '../../src/rules/load.ts';
import { parseRuleFile } from '../../src/rules/parse.ts';
import { formatProblem, type AlertRule, type RuleGroup } from '../../src/rules/types.ts';
import { flagRule, simplePolicy, startWithSlack, usePrometheus } from '../support/fixture.ts';
import { getJson, scratch, type ApiAlert } from '../support/harness.ts';

const RULES = fileURLToPath(new URL('../../rules', import.meta.url));
const SHIPPED = `${RULES}/logs.victorialogs.yml`;
const CLI = fileURLToPath(new URL('../../bin/shopscope-alerts.mjs', import.meta.url));
const bin = victoriaLogsBinary();

const POLICY = simplePolicy();
// The shipped rule as it is, only evaluated every second and firing after one.
const fastShipped = () => readFileSync(SHIPPED, 'utf8').replace('interval: 30s', 'interval: 1s').replace('for: 1m', 'for: 1s');

const BROKEN = `groups:
  - name: bad-logs
    datasource: victorialogs
    rules:
      - alert: Broken
        expr: '_time:5m | stats by (service.name) count() as errors | filter errors:>'
  - name: no-stats
    datasource: victorialogs
    rules:
      - alert: NoStats
        expr: '_time:5m severity_number:>=17'
`;

/** Log lines as the collector's OTLP exporter writes them (`service.name` is the stream field). */
function lines(n: number, severity: [text: string, number: number], msg: string): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    severity_text: severity[0],
    severity_number: severity[1],
    _msg: `${msg} ${i}`,
    trace_id: `4bf92f3577b34da6a3ce929d0e0e${String(4700 + i)}`,
  }));
}
const ERROR: [string, number] = ['ERROR', 17];
const FATAL: [string, number] = ['FATAL', 21];
const WARN: [string, number] = ['WARN', 13];

/** Per service, how many lines of the last 5 minutes VictoriaLogs can search right now. */
async function searchable(url: string): Promise<Record<string, number>> {
  const query = new URLSearchParams({ query: '_time:5m | stats by (service.name) count() as n', time: String(Date.now() / 1000) });
  const json = await getJson<{ data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }>(
    `${url}/select/logsql/stats_query?${query}`,
  );
  return Object.fromEntries(json.data.result.map((r) => [r.metric['service.name'] ?? '', Number(r.value[1])]));
}

function shippedLogsqlRules(): Array<{ group: RuleGroup; rule: AlertRule }> {
  return readdirSync(RULES)
    .filter((f) => /\.ya?ml$/.test(f))
    .flatMap((f) => parseRuleFile(`${RULES}/${f}`, 60_000).groups)
    .filter((g) => g.datasource === 'victorialogs')
    .flatMap((group) => group.rules.filter((r): r is AlertRule => r.kind === 'alert').map((rule) => ({ group, rule })));
}

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, VICTORIALOGS_URL: '', ...env } });

// LogsQL rules against a real VictoriaLogs of the test's own (the stack's build, on a free port).
describe.skipIf(!bin)(
  `LogsQL rules against a real VictoriaLogs${bin ? '' : ' (skipped: VictoriaLogs is not built; run `npm run stack:build -- victorialogs`)'}`,
  () => {
    const { metrics, prometheus } = usePrometheus();
    let vlogs: RunningVictoriaLogs;
    beforeAll(async () => {
      vlogs = await startVictoriaLogs(bin);
    }, 60_000);
    afterAll(async () => {
      await vlogs?.stop();
    });

    it("accepts every shipped LogsQL query with VictoriaLogs's own parser, and runs it", async () => {
      const shipped = shippedLogsqlRules();
      expect(shipped.map((s) => s.rule.name)).toContain('ErrorLogSurge');
      for (const { rule } of shipped) {
        const query = new URLSearchParams({ query: rule.expr, time: String(Date.now() / 1000) });
        const response = await fetch(`${vlogs.url}/select/logsql/stats_query?${query}`);
        const body = await response.text();
        expect(response.status, `${rule.name}: ${body}`).toBe(200);
        expect(JSON.parse(body)).toMatchObject({ status: 'success', data: { resultType: 'vector' } });
      }
      expect(
        await checkLogsqlWithVictoriaLogs(
          shipped.map((s) => s.group),
          vlogs.url,
        ),
      ).toEqual([]);
      const loaded = await loadRules([RULES], { defaultIntervalMs: 60_000, promqlChecker: 'promtool', victoriaLogsUrl: vlogs.url });
      expect(loaded.problems.map(formatProblem)).toEqual([]);
      expect(loaded.unchecked).toEqual([]);
      expect(loaded.groups.filter((g) => g.datasource === 'victorialogs').map((g) => g.name)).toEqual(['logs']);
    });

    it('refuses a broken LogsQL rule, naming its file, line, group and rule; the good group still loads', async () => {
      const files = scratch(
        { 'logs.victorialogs.yml': readFileSync(SHIPPED, 'utf8'), 'bad.victorialogs.yml': BROKEN },
        'route: { receiver: r }\nreceivers: [{ name: r }]\n',
      );
      try {
        const loaded = await loadRules([files.rulesDir], {
          defaultIntervalMs: 60_000,
          promqlChecker: 'promtool',
          victoriaLogsUrl: vlogs.url,
        });
        expect(loaded.unchecked).toEqual([]);
        expect(loaded.groups.map((g) => g.name)).toEqual(['logs']);
        expect(loaded.problems.map(formatProblem)).toEqual([
          expect.stringMatching(
            /bad\.victorialogs\.yml:6:15: group "bad-logs" rule "Broken" cannot parse `query` arg .*"filter" pipe.* \[SHOPSCOPE_ERR_RULE_EXPR_INVALID\]$/,
          ),
          expect.stringMatching(
            /bad\.victorialogs\.yml:11:15: group "no-stats" rule "NoStats" missing `\| stats \.\.\.` pipe .* \[SHOPSCOPE_ERR_RULE_EXPR_INVALID\]$/,
          ),
        ]);

        // the CLI says the same and fails, with the URL from --victorialogs or from VICTORIALOGS_URL
        const byFlag = cli(['check', files.rulesDir, '--policy', files.policy, '--victorialogs', vlogs.url]);
        expect(byFlag.status).toBe(1);
        expect(byFlag.stderr).toMatch(/bad\.victorialogs\.yml:6:15: group "bad-logs" rule "Broken" cannot parse/);
        expect(byFlag.stderr).toMatch(/group "no-stats" rule "NoStats" missing `\| stats/);
        expect(byFlag.stdout).toMatch(/1 groups, 1 rules loaded; 2 problems/);
        expect(byFlag.stdout).not.toContain('not checked');
        const byEnv = cli(['check', files.rulesDir, '--policy', files.policy], { VICTORIALOGS_URL: vlogs.url });
        expect(byEnv.status).toBe(1);
        expect(byEnv.stderr).toMatch(/rule "Broken" cannot parse/);
      } finally {
        files.cleanup();
      }
    });

    it('says clearly that LogsQL was not checked when no VictoriaLogs answers', async () => {
      const nowhere = `http://127.0.0.1:${await freePort()}`;
      const files = scratch({ 'bad.victorialogs.yml': BROKEN }, 'route: { receiver: r }\nreceivers: [{ name: r }]\n');
      try {
        const loaded = await loadRules([files.rulesDir], {
          defaultIntervalMs: 60_000,
          promqlChecker: 'promtool',
          victoriaLogsUrl: nowhere,
        });
        expect(loaded.unchecked).toEqual(['logsql']);
        expect(loaded.problems).toEqual([]);
        const check = cli(['check', files.rulesDir, '--policy', files.policy, '--victorialogs', nowhere]);
        expect(check.stdout).toContain(`LogsQL expressions not checked: no VictoriaLogs answered at ${nowhere}`);
        expect(check.status).toBe(0);
        // a server that is not VictoriaLogs (here Prometheus) is no verdict on the rules either
        expect(
          (await loadRules([files.rulesDir], { defaultIntervalMs: 60_000, promqlChecker: 'promtool', victoriaLogsUrl: prometheus().url }))
            .unchecked,
        ).toEqual(['logsql']);
      } finally {
        files.cleanup();
      }
    });

    it('pages with the shipped ErrorLogSurge rule for the service over 20 error lines, not for those under', async () => {
      const run = await startWithSlack(prometheus().url, fastShipped(), POLICY, { victoriaLogsUrl: vlogs.url });
      try {
        await vlogs.insert({ 'service.name': 'cart' }, lines(10, ERROR, 'cart boom'));
        // exactly 20 errors (not over the threshold) among warnings that must not count
        await vlogs.insert({ 'service.name': 'orders' }, [
          ...lines(15, ERROR, 'orders boom'),
          ...lines(5, FATAL, 'orders fatal'),
          ...lines(20, WARN, 'orders slow'),
        ]);
        const visibleAt = await vi.waitFor(
          async () => {
            const n = await searchable(vlogs.url);
            return present('the lines searchable', n.cart === 10 && n.orders === 40 ? Date.now() : undefined);
          },
          { timeout: 20_000 },
        );
        // two evaluations that saw every line: nothing pending, nothing paged
        await vi.waitFor(
          async () => {
            const { groups } = await getJson<{ groups: Array<{ name: string; lastEvaluatedAt: number }> }>(
              `${run.evaluator.url}/api/rules`,
            );
            return present(
              'two evaluations after the lines',
              (groups.find((g) => g.name === 'logs')?.lastEvaluatedAt ?? 0) > visibleAt + 1500,
            );
          },
          { timeout: 20_000 },
        );
        expect((await getJson<{ alerts: ApiAlert[] }>(`${run.evaluator.url}/api/alerts`)).alerts).toEqual([]);
        expect(run.slack.callsOf('chat.postMessage')).toHaveLength(0);

        await vlogs.insert({ 'service.name': 'cart' }, [...lines(10, ERROR, 'cart boom again'), ...lines(5, FATAL, 'cart fatal')]);
        const page = await vi.waitFor(() => present('page for cart', run.slack.callsOf('chat.postMessage')[0]), { timeout: 30_000 });
        expect(String(page.params.text)).toContain('ErrorLogSurge (service=cart)');
        expect(JSON.stringify(page.params.blocks)).toContain('cart logged 25 errors in 5 minutes');
        expect(JSON.stringify(page.params.blocks)).toContain('shopscope-logs?var-service=cart');
        const alerts = (await getJson<{ alerts: ApiAlert[] }>(`${run.evaluator.url}/api/alerts`)).alerts;
        expect(alerts.map((a) => [a.labels, a.state, a.value])).toEqual([
          [{ alertname: 'ErrorLogSurge', service: 'cart', severity: 'page', team: 'shop' }, 'firing', 25],
        ]);
        expect(run.slack.callsOf('chat.postMessage')).toHaveLength(1);
      } finally {
        await run.stop();
      }
    });

    it('counts and logs failed evaluations while VictoriaLogs is unreachable, keeps firing alerts firing, and the other groups running', async () => {
      // a VictoriaLogs of this test's own, stopped halfway
      const own = await startVictoriaLogs(bin);
      const slack = await new FakeSlack().start();
      const files = scratch({ 'logs.victorialogs.yml': fastShipped(), 'flag.rules.yml': flagRule('t_vlogs_down') }, POLICY);
      const logged: Array<Record<string, unknown>> = [];
      const logger = pino(
        { level: 'info' },
        {
          write: (line: string) => {
            logged.push(JSON.parse(line) as Record<string, unknown>);
          },
        },
      );
      const evaluator = await startEvaluator(
        {
          rulesDir: files.rulesDir,
          policy: files.policy,
          stateFile: files.stateFile,
          prometheusUrl: prometheus().url,
          victoriaLogsUrl: own.url,
          slackToken: 'xoxb-test',
          slackApiUrl: slack.apiUrl,
          port: 0,
          watch: false,
          promqlChecker: 'promtool',
        },
        { logger },
      );
      const failures = async () =>
        Number(
          /shopscope_alerts_rule_evaluation_failures_total\{group="logs",rule="ErrorLogSurge"\} (\d+)/.exec(
            await (await fetch(`${evaluator.url}/metrics`)).text(),
          )?.[1] ?? 0,
        );
      try {
        await own.insert({ 'service.name': 'payments' }, lines(21, ERROR, 'declined'));
        await vi.waitFor(
          () =>
            present(
              'page for payments',
              slack.callsOf('chat.postMessage').find((c) => String(c.params.text).includes('service=payments')),
            ),
          { timeout: 30_000 },
        );
        expect(await failures()).toBe(0);

        await own.stop();
        const before = await failures();
        await vi.waitFor(async () => present('failed evaluations counted', (await failures()) >= before + 3), { timeout: 20_000 });
        const failed = logged.filter((l) => l.event === 'alert.query_failed');
        expect(failed).toHaveLength(1); // logged once when the rule starts failing, counted every time
        expect(failed[0]).toMatchObject({
          group: 'logs',
          rule: 'ErrorLogSurge',
          error: expect.stringContaining('/select/logsql/stats_query'),
        });
        const alerts = (await getJson<{ alerts: ApiAlert[] }>(`${evaluator.url}/api/alerts`)).alerts;
        expect(alerts.map((a) => [a.labels.service, a.state])).toEqual([['payments', 'firing']]);
        expect(slack.callsOf('chat.update')).toHaveLength(0); // no resolve because the back end went away
        expect((await fetch(`${evaluator.url}/-/healthy`)).status).toBe(200);

        // the Prometheus group is unaffected
        metrics.set('t_vlogs_down', { service: 'search' }, 1);
        await vi.waitFor(
          () =>
            present(
              'page from the Prometheus group',
              slack.callsOf('chat.postMessage').find((c) => String(c.params.text).includes('FlagUp')),
            ),
          { timeout: 30_000 },
        );

        // a reload with VictoriaLogs gone loads the LogsQL group unchecked, and says so
        const reloaded = await evaluator.reload();
        expect(reloaded.problems).toEqual([]);
        expect(reloaded.groups).toBe(2);
        expect(logged.filter((l) => l.event === 'alert.rules_unchecked').at(-1)).toMatchObject({ languages: ['logsql'] });
      } finally {
        metrics.delete('t_vlogs_down', { service: 'search' });
        await evaluator.stop();
        await slack.stop();
        await own.stop();
        files.cleanup();
      }
    });
  },
);
