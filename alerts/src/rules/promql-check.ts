import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toPromtoolYaml } from './promtool-compat.ts';
import type { RuleGroup, RuleProblem } from './types.ts';

const PROMTOOL_LINE = /^(.*?): (?:\d+:\d+: )?group "(.*)", rule (\d+), "(.*?)": (.*)$/;

export function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
}

/**
 * Checks every PromQL expression with the real parser, promtool's. Each group is written to its
 * own file so that an error is pinned to one group and the others stay loadable.
 */
export function checkPromqlWithPromtool(groups: readonly RuleGroup[]): RuleProblem[] {
  const promGroups = groups.filter((g) => g.datasource === 'prometheus');
  if (promGroups.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-promql-'));
  try {
    const files = promGroups.map((g, i) => {
      const path = join(dir, `g${i}.yml`);
      writeFileSync(path, toPromtoolYaml([g]));
      return path;
    });
    const result = spawnSync('promtool', ['check', 'rules', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw result.error;
    const problems: RuleProblem[] = [];
    for (const line of `${result.stdout}\n${result.stderr}`.split('\n')) {
      const m = PROMTOOL_LINE.exec(line.trim());
      if (!m) continue;
      const group = promGroups[files.indexOf(m[1] as string)];
      if (!group) continue;
      problems.push(exprProblem(group, Number(m[3]) - 1, m[5] as string));
    }
    if (result.status !== 0 && problems.length === 0) {
      throw new Error(`promtool check rules failed: ${`${result.stdout}${result.stderr}`.trim().slice(0, 2000)}`);
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asks a running Prometheus to parse each expression (evaluated at t=0, where no data is). */
export async function checkPromqlWithApi(groups: readonly RuleGroup[], prometheusUrl: string): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  for (const group of groups.filter((g) => g.datasource === 'prometheus')) {
    for (const rule of group.rules) {
      const body = new URLSearchParams({ query: rule.expr, time: '0' });
      const response = await fetch(new URL('/api/v1/query', prometheusUrl), { method: 'POST', body, signal: AbortSignal.timeout(5000) });
      if (response.status === 400) {
        const json = (await response.json()) as { errorType?: string; error?: string };
        if (json.errorType === 'bad_data') problems.push(exprProblem(group, rule.index, json.error ?? 'bad expression'));
      }
    }
  }
  return problems;
}

export function exprProblem(group: RuleGroup, index: number, message: string): RuleProblem {
  const rule = group.rules.find((r) => r.index === index) ?? group.rules[index];
  return {
    code: 'SHOPSCOPE_ERR_RULE_EXPR_INVALID', file: group.file, group: group.name, rule: rule?.name,
    line: rule?.exprPosition.line, column: rule?.exprPosition.column, message,
  };
}
