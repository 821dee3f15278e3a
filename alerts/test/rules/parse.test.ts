import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.ts';
import { parseRuleFile } from '../../src/rules/parse.ts';
import { formatProblem } from '../../src/rules/types.ts';

describe('rule files', () => {
  it('reads groups, intervals, datasource, for, keep_firing_for and templates', () => {
    const { groups, problems } = parseRuleFile(
      'x.yml',
      60_000,
      `
groups:
  - name: a
    interval: 15s
    labels: { team: shop }
    rules:
      - alert: A
        expr: up == 0
        for: 1m30s
        keep_firing_for: 2m
        labels: { severity: page }
        annotations: { summary: "{{ $labels.job }} down" }
  - name: logs
    datasource: victorialogs
    rules:
      - alert: L
        expr: '_time:5m | stats by (service.name) count() as n | filter n:>1'
`,
    );
    expect(problems).toEqual([]);
    expect(groups.map((g) => [g.name, g.intervalMs, g.datasource, g.labels])).toEqual([
      ['a', 15_000, 'prometheus', { team: 'shop' }],
      ['logs', 60_000, 'victorialogs', {}],
    ]);
    expect(groups[1]?.rules[0]).toMatchObject({
      kind: 'alert',
      name: 'L',
      expr: '_time:5m | stats by (service.name) count() as n | filter n:>1',
    });
    const rule = groups[0]?.rules[0];
    expect(rule).toMatchObject({
      kind: 'alert',
      name: 'A',
      forMs: 90_000,
      keepFiringForMs: 120_000,
      exprPosition: { line: 8, column: 15 },
    });
  });

  it('reports a bad group with file, group, rule and line, and still loads the others', () => {
    const { groups, problems } = parseRuleFile(
      'bad.yml',
      60_000,
      `groups:
  - name: good
    rules: [{ alert: G, expr: up }]
  - name: bad-duration
    rules:
      - alert: X
        expr: up
        for: soon
  - name: bad-template
    rules:
      - alert: Y
        expr: up
        annotations: { summary: "{{ $value | shout }}" }
  - name: bad-key
    rules:
      - alert: Z
        expr: up
        severity: page
  - name: good
    rules: []
`,
    );
    expect(groups.map((g) => g.name)).toEqual(['good']);
    expect(problems.map(formatProblem)).toEqual([
      'bad.yml:6:9: group "bad-duration" rule "X" for: not a duration (e.g. 30s, 5m) [SHOPSCOPE_ERR_RULE_GROUP_INVALID]',
      'bad.yml:11:9: group "bad-template" rule "Y" template "{{ $value | shout }}": unknown function "shout" [SHOPSCOPE_ERR_RULE_TEMPLATE_INVALID]',
      expect.stringMatching(/^bad\.yml:16:9: group "bad-key" rule "Z" .*severity.* \[SHOPSCOPE_ERR_RULE_GROUP_INVALID\]$/),
      'bad.yml:19:5: group "good" group name repeated in this file [SHOPSCOPE_ERR_RULE_GROUP_INVALID]',
    ]);
  });

  it('refuses an unknown datasource, naming the ones there are', () => {
    const { groups, problems } = parseRuleFile(
      'ds.yml',
      60_000,
      `groups:
  - name: logs
    datasource: elasticsearch
    rules: [{ alert: A, expr: '*' }]
  - name: fine
    rules: [{ alert: B, expr: up }]
`,
    );
    expect(groups.map((g) => g.name)).toEqual(['fine']);
    expect(problems.map(formatProblem)).toEqual([
      'ds.yml:2:5: group "logs" datasource: must be one of prometheus, victorialogs [SHOPSCOPE_ERR_RULE_GROUP_INVALID]',
    ]);
  });

  it('reports YAML errors with their line', () => {
    const { groups, problems } = parseRuleFile('broken.yml', 60_000, 'groups:\n  - name: a\n    rules: [\n');
    expect(groups).toEqual([]);
    expect(problems[0]).toMatchObject({ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file: 'broken.yml', line: expect.any(Number) });
  });

  it('pins PromQL parse errors (checked by promtool) to their group and rule; other groups load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopscope-rules-'));
    try {
      writeFileSync(
        join(dir, 'a.yml'),
        `groups:
  - name: fine
    rules: [{ alert: Fine, expr: 'up == 0' }]
  - name: broken
    rules:
      - alert: Fine2
        expr: up == 0
      - alert: Broken
        expr: sum(rate(http_requests_total[5m]) > 1
`,
      );
      const loaded = await loadRules([dir], { defaultIntervalMs: 60_000, promqlChecker: 'promtool' });
      expect(loaded.groups.map((g) => g.name)).toEqual(['fine']);
      expect(loaded.problems).toHaveLength(1);
      expect(formatProblem(loaded.problems[0]!)).toMatch(
        /a\.yml:9:15: group "broken" rule "Broken" could not parse expression: 1:\d+: parse error: unclosed left parenthesis \[SHOPSCOPE_ERR_RULE_EXPR_INVALID\]/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an interval under 1s as a rule-file problem (a 0 would be a busy loop)', () => {
    const { groups, problems } = parseRuleFile(
      'i.yml',
      60_000,
      `groups:
  - name: zero
    interval: 0
    rules: [{ alert: A, expr: up }]
  - name: fast
    interval: 500ms
    rules: [{ alert: B, expr: up }]
  - name: ok
    interval: 1s
    rules: [{ alert: C, expr: up }]
`,
    );
    expect(groups.map((g) => [g.name, g.intervalMs])).toEqual([['ok', 1000]]);
    expect(problems.map(formatProblem)).toEqual([
      'i.yml:2:5: group "zero" interval: interval must be at least 1s [SHOPSCOPE_ERR_RULE_GROUP_INVALID]',
      'i.yml:5:5: group "fast" interval: interval must be at least 1s [SHOPSCOPE_ERR_RULE_GROUP_INVALID]',
    ]);
  });

  it('resolves YAML anchors, aliases and merge keys', () => {
    const { groups, problems } = parseRuleFile(
      'a.yml',
      60_000,
      `groups:
  - name: shared
    labels: &team { team: shop }
    rules:
      - &base
        alert: Base
        expr: up == 0
        for: 2m
        labels: &page { severity: page }
        annotations: { summary: "{{ $labels.job }} down" }
      - alert: Aliased
        expr: up == 1
        labels: *page
      - <<: *base
        alert: Merged
  - name: other
    labels: *team
    rules: [{ alert: O, expr: up }]
`,
    );
    expect(problems).toEqual([]);
    const [shared, other] = groups;
    expect(shared?.labels).toEqual({ team: 'shop' });
    expect(other?.labels).toEqual({ team: 'shop' });
    expect(shared?.rules.map((r) => [r.name, r.expr, r.labels])).toEqual([
      ['Base', 'up == 0', { severity: 'page' }],
      ['Aliased', 'up == 1', { severity: 'page' }],
      ['Merged', 'up == 0', { severity: 'page' }],
    ]);
    expect(shared?.rules[2]).toMatchObject({ kind: 'alert', forMs: 120_000, annotations: { summary: '{{ $labels.job }} down' } });
  });

  it("keeps a rule's identity when rules are inserted above it, and tells same-named groups of two folders apart", () => {
    const rule = (name: string, expr: string) => `      - alert: ${name}\n        expr: ${expr}\n        labels: { severity: page }\n`;
    const before = parseRuleFile(
      '/rules/shop.rules.yml',
      60_000,
      `groups:\n  - name: shop\n    rules:\n${rule('A', 'a == 1')}${rule('B', 'b == 1')}`,
    ).groups[0]!;
    const after = parseRuleFile(
      '/rules/shop.rules.yml',
      60_000,
      `groups:\n  - name: shop\n    rules:\n${rule('New', 'n == 1')}${rule('B', 'b == 1')}${rule('A', 'a == 1')}`,
    ).groups[0]!;
    const keyOf = (g: typeof before, name: string) => g.rules.find((r) => r.name === name)?.key;
    expect(keyOf(after, 'A')).toBe(keyOf(before, 'A'));
    expect(keyOf(after, 'B')).toBe(keyOf(before, 'B'));
    expect(new Set(after.rules.map((r) => r.key)).size).toBe(3);
    // an expression edit keeps the identity too (as Prometheus keeps the state of a rule by name and labels)
    const edited = parseRuleFile('/rules/shop.rules.yml', 60_000, `groups:\n  - name: shop\n    rules:\n${rule('A', 'a > 0')}`).groups[0]!;
    expect(keyOf(edited, 'A')).toBe(keyOf(before, 'A'));
    // rules that share name and labels stay apart
    const twins = parseRuleFile(
      '/rules/shop.rules.yml',
      60_000,
      `groups:\n  - name: shop\n    rules:\n${rule('A', 'a == 1')}${rule('A', 'a == 2')}${rule('A', 'a == 2')}`,
    ).groups[0]!;
    expect(new Set(twins.rules.map((r) => r.key)).size).toBe(3);
    const elsewhere = parseRuleFile('/other/rules/shop.rules.yml', 60_000, `groups:\n  - name: shop\n    rules:\n${rule('A', 'a == 1')}`)
      .groups[0]!;
    expect(keyOf(elsewhere, 'A')).not.toBe(keyOf(before, 'A'));
  });
});
