import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.ts';
import { formatProblem } from '../../src/rules/types.ts';
import { lokiBinary, startLoki, type RunningLoki } from '../../src/testing/loki.ts';
import { startWithSlack, usePrometheus } from '../support/fixture.ts';
import { getJson, scratch, waitFor, type ApiAlert } from '../support/harness.ts';

const SHIPPED = fileURLToPath(new URL('../../rules/logs.loki.yml', import.meta.url));
const bin = lokiBinary();

// LogQL rules against a real Loki (the stack's build). Skipped, with this reason, until
// `npm run stack:build` has built Loki.
describe.skipIf(!bin)('LogQL rules against a real Loki', () => {
  const { prometheus } = usePrometheus();
  let loki: RunningLoki;
  beforeAll(async () => { loki = await startLoki(bin as string); }, 120_000);
  afterAll(async () => { await loki?.stop(); });

  it('checks LogQL with Loki\'s parser: the shipped rules pass, a broken one is pinned to its rule', async () => {
    const files = scratch({ 'logs.loki.yml': readFileSync(SHIPPED, 'utf8'), 'bad.loki.yml': `groups:
  - name: bad-logs
    datasource: loki
    rules:
      - alert: Broken
        expr: 'sum(count_over_time({service_name="x"} |= [5m]))'
` }, 'route: { receiver: r }\nreceivers: [{ name: r }]\n');
    try {
      const loaded = await loadRules([files.rulesDir], { defaultIntervalMs: 60_000, promqlChecker: 'promtool', lokiUrl: loki.url });
      expect(loaded.unchecked).toEqual([]);
      expect(loaded.groups.map((g) => g.name)).toEqual(['logs']);
      expect(loaded.problems.map(formatProblem)).toEqual([expect.stringMatching(/bad\.loki\.yml:6:15: group "bad-logs" rule "Broken" .*parse error.* \[SHOPSCOPE_ERR_RULE_EXPR_INVALID\]/)]);
    } finally {
      files.cleanup();
    }
  });

  it('fires the shipped ErrorLogSurge rule on a burst of error logs and pages', async () => {
    const shipped = readFileSync(SHIPPED, 'utf8').replace('interval: 30s', 'interval: 1s').replace('for: 1m', 'for: 1s');
    const run = await startWithSlack(prometheus().url, shipped, `
route:
  receiver: oncall
  group_by: [alertname, service_name]
  group_wait: 500ms
  group_interval: 1s
receivers:
  - name: oncall
    slack_channel: '#alerts'
`, { lokiUrl: loki.url });
    try {
      await loki.push('cart', Array.from({ length: 10 }, (_, i) => ({ level: 'error', msg: `boom ${i}` })));
      await loki.push('orders', Array.from({ length: 40 }, (_, i) => ({ level: i % 2 ? 'error' : 'info', msg: `m ${i}` })));
      await new Promise((r) => setTimeout(r, 3000));
      expect(run.slack.callsOf('chat.postMessage')).toHaveLength(0); // 10 errors is under the threshold of 20
      await loki.push('cart', Array.from({ length: 15 }, (_, i) => ({ level: 'error', msg: `boom again ${i}` })));
      const page = await waitFor('page for cart', () => run.slack.callsOf('chat.postMessage')[0], 30_000);
      expect(String(page.params.text)).toContain('ErrorLogSurge (service_name=cart)');
      expect(JSON.stringify(page.params.blocks)).toContain('cart logged 25 errors in 5 minutes');
      const alerts = (await getJson<{ alerts: ApiAlert[] }>(`${run.evaluator.url}/api/alerts`)).alerts;
      expect(alerts.map((a) => [a.labels.service_name, a.state])).toEqual([['cart', 'firing']]);
    } finally {
      await run.stop();
    }
  });
});
