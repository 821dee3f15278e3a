import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiUrl } from '../query/api-url.ts';
import { toPromtoolYaml } from './promtool-compat.ts';
import type { RuleGroup, RuleProblem } from './types.ts';

const PROMTOOL_LINE = /^(.*?): (?:\d+:\d+: )?group "(.*)", rule (\d+), "(.*?)": (.*)$/;

export function hasPromtool(command = 'promtool'): boolean {
  // A promtool that hangs is as good as none: the start must not wait for it.
  return spawnSync(command, ['--version'], { encoding: 'utf8', timeout: 5000, killSignal: 'SIGKILL' }).status === 0;
}

export interface PromtoolRun {
  /** promtool is killed past this, and the check fails (the caller loads the rules unchecked). */
  timeoutMs?: number;
  command?: string;
}

/**
 * Checks every PromQL expression with the real parser, promtool's. Each group is written to its
 * own file so that an error is pinned to one group and the others stay loadable. promtool runs
 * as a child process with a timeout, so a hung one neither blocks the evaluator nor stops a load.
 */
export async function checkPromqlWithPromtool(groups: readonly RuleGroup[], run: PromtoolRun = {}): Promise<RuleProblem[]> {
  const promGroups = groups.filter((g) => g.datasource === 'prometheus');
  if (promGroups.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-promql-'));
  try {
    const files = promGroups.map((g, i) => {
      const path = join(dir, `g${i}.yml`);
      writeFileSync(path, toPromtoolYaml([g]));
      return path;
    });
    const timeoutMs = run.timeoutMs ?? 30_000;
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      execFile(
        run.command ?? 'promtool',
        ['check', 'rules', ...files],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, killSignal: 'SIGKILL' },
        (err, stdout, stderr) => {
          // execFile's error: `code` is the exit status, or a string (ENOENT) when promtool never ran
          const e = err as { killed?: boolean; code?: unknown } | null;
          if (e?.killed) return reject(new Error(`promtool check rules did not answer within ${timeoutMs} ms`));
          if (e && typeof e.code !== 'number') return reject(err);
          resolve({ status: e ? (e.code as number) : 0, stdout, stderr });
        },
      );
    });
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
      const response = await fetch(apiUrl(prometheusUrl, '/api/v1/query'), { method: 'POST', body, signal: AbortSignal.timeout(5000) });
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
    code: 'SHOPSCOPE_ERR_RULE_EXPR_INVALID',
    file: group.file,
    group: group.name,
    rule: rule?.name,
    line: rule?.exprPosition.line,
    column: rule?.exprPosition.column,
    message,
  };
}
