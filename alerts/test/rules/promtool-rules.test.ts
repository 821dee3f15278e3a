import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runPromtoolTests } from '../../src/rules/promtool-test.ts';
import { parseRuleFile } from '../../src/rules/parse.ts';
import { burnRateRulesYaml } from '../../src/slo/burn-rate-rules.ts';
import { readSloFile } from '../../src/slo/schema.ts';

const ALERTS = fileURLToPath(new URL('../../', import.meta.url));
const RULES = `${ALERTS}rules`;
const TESTS = `${ALERTS}tests`;

// The shipped and generated rules, tested by the real `promtool test rules`.
describe('shipped rules', () => {
  it('pass their promtool unit tests', () => {
    const result = runPromtoolTests(RULES, TESTS);
    expect(result.output).not.toContain('FAILED');
    expect(result.ok).toBe(true);
    expect(result.output.match(/SUCCESS/g)?.length).toBe(readdirSync(TESTS).filter((f) => f.endsWith('.yml')).length);
  });

  it('every alerting rule of a Prometheus rule file is exercised by a promtool test', () => {
    const tested = new Set<string>();
    for (const f of readdirSync(TESTS)) {
      const doc = parse(readFileSync(`${TESTS}/${f}`, 'utf8')) as {
        tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }>;
      };
      for (const t of doc.tests) for (const a of t.alert_rule_test ?? []) if (a.exp_alerts.length > 0) tested.add(a.alertname);
    }
    const shipped = readdirSync(RULES)
      .filter((f) => f.endsWith('.rules.yml'))
      .flatMap((f) =>
        parseRuleFile(`${RULES}/${f}`, 60_000).groups.flatMap((g) => g.rules.filter((r) => r.kind === 'alert').map((r) => r.name)),
      );
    expect(shipped.length).toBeGreaterThan(8);
    expect(shipped.filter((name) => !tested.has(name))).toEqual([]);
  });

  it('every alerting rule has a summary, a runbook and a dashboard link', () => {
    for (const f of readdirSync(RULES).filter((n) => n.endsWith('.yml'))) {
      const { groups, problems } = parseRuleFile(`${RULES}/${f}`, 60_000);
      expect(problems).toEqual([]);
      for (const rule of groups.flatMap((g) => g.rules)) {
        if (rule.kind !== 'alert') continue;
        expect(Object.keys(rule.annotations), `${f} ${rule.name}`).toEqual(
          expect.arrayContaining(['summary', 'runbook_url', 'dashboard_url']),
        );
        expect(['page', 'ticket']).toContain(rule.labels.severity);
      }
    }
  });

  it('the generated SLO rules are up to date with slo.yml', () => {
    expect(readFileSync(`${RULES}/slo.generated.rules.yml`, 'utf8')).toBe(burnRateRulesYaml(readSloFile(`${ALERTS}slo.yml`), 'slo.yml'));
  });

  it('fails when a rule no longer does what its test says', () => {
    // a copy of the tests against a rule whose threshold was changed must fail: the tests can fail
    const broken = readFileSync(`${RULES}/platform.rules.yml`, 'utf8').replace('> 0.2', '> 0.9');
    const dir = fileURLToPath(new URL('.', import.meta.url));
    void dir;
    const tmp = spawnSync('mktemp', ['-d'], { encoding: 'utf8' }).stdout.trim();
    spawnSync('mkdir', ['-p', `${tmp}/rules`, `${tmp}/tests`]);
    spawnSync('sh', ['-c', `cp ${TESTS}/platform.test.yml ${tmp}/tests/ && cat > ${tmp}/rules/platform.rules.yml`], { input: broken });
    const result = runPromtoolTests(`${tmp}/rules`, `${tmp}/tests`);
    spawnSync('rm', ['-rf', tmp]);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('EventLoopDelayHigh');
  });
});
