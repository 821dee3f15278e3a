import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { instantQuery, latestExemplar } from '../../src/query/instant-query.ts';
import { checkLogsqlWithVictoriaLogs } from '../../src/rules/logsql-check.ts';
import { checkPromqlWithApi } from '../../src/rules/promql-check.ts';
import { parseRuleFile } from '../../src/rules/parse.ts';
import { FakePrometheus } from '../support/fake-prometheus.ts';
import { rawRequest, scratch, start } from '../support/harness.ts';

// Prometheus behind --web.route-prefix or a proxy (http://host:9090/prom), VictoriaLogs likewise.
describe('back ends under a path prefix', () => {
  const prometheus = new FakePrometheus('/prom');
  const victoriaLogs = new FakePrometheus('/vl');
  beforeAll(async () => {
    await prometheus.start();
    await victoriaLogs.start();
  });
  afterAll(async () => {
    await prometheus.stop();
    await victoriaLogs.stop();
  });

  it('keeps the prefix in every query URL', async () => {
    prometheus.set('up == 0', { job: 'shop' });
    expect(await instantQuery(prometheus.url, '/api/v1/query', 'up == 0', new Date(), 2000)).toEqual([
      { labels: { job: 'shop' }, value: 1 },
    ]);
    expect(await instantQuery(`${prometheus.url}/`, '/api/v1/query', 'up == 0', new Date(), 2000)).toHaveLength(1);
    await latestExemplar(prometheus.url, 'x', new Date(0), new Date(), 2000);
    const { groups } = parseRuleFile(
      'p.yml',
      60_000,
      'groups:\n  - name: p\n    rules: [{ alert: A, expr: "sum(((" }]\n  - name: l\n    datasource: victorialogs\n    rules: [{ alert: L, expr: "_time:5m | stats count() as n" }]\n',
    );
    expect((await checkPromqlWithApi(groups, prometheus.url)).map((p) => p.rule)).toEqual(['A']);
    victoriaLogs.set('_time:5m | stats count() as n');
    expect(await checkLogsqlWithVictoriaLogs(groups, `${victoriaLogs.url}/`)).toEqual([]);
    expect(new Set(prometheus.paths)).toEqual(new Set(['/prom/api/v1/query', '/prom/api/v1/query_exemplars']));
    expect(new Set(victoriaLogs.paths)).toEqual(new Set(['/vl/select/logsql/stats_query']));
  });

  it('evaluates rules against a PROMETHEUS_URL with a prefix', async () => {
    const files = scratch(
      { 'p.rules.yml': 'groups:\n  - name: p\n    interval: 1s\n    rules: [{ alert: PrefixDown, expr: "prefix_up == 0" }]\n' },
      'route: { receiver: log }\nreceivers: [{ name: log }]\n',
    );
    prometheus.set('prefix_up == 0', { service: 'cart' });
    const evaluator = await start({
      rulesDir: files.rulesDir,
      policy: files.policy,
      stateFile: files.stateFile,
      prometheusUrl: prometheus.url,
      promqlChecker: 'api',
    });
    try {
      const alert = await vi.waitFor(
        async () =>
          present('alert from the prefixed Prometheus', (await rawRequest(evaluator.url, { path: '/api/alerts' })).json.alerts[0]),
        { timeout: 5000 },
      );
      expect(alert).toMatchObject({ labels: { alertname: 'PrefixDown', service: 'cart' }, state: 'firing' });
    } finally {
      await evaluator.stop();
      files.cleanup();
    }
  });
});
