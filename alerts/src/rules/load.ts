import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkLogsqlWithVictoriaLogs } from './logsql-check.ts';
import { parseRuleFile } from './parse.ts';
import { checkPromqlWithApi, checkPromqlWithPromtool } from './promql-check.ts';
import type { RuleGroup, RuleProblem } from './types.ts';

export interface LoadOptions {
  defaultIntervalMs: number;
  /** How PromQL is parsed: promtool (decided once at start when it is installed), a running Prometheus, or not at all. */
  promqlChecker: 'promtool' | 'api' | 'none';
  prometheusUrl?: string;
  /** Where LogsQL is parsed; without it (or when it does not answer) LogsQL is left unchecked. */
  victoriaLogsUrl?: string;
  /** How long promtool may take; past it PromQL is left unchecked. */
  promtoolTimeoutMs?: number;
}

export interface LoadedRules {
  groups: RuleGroup[];
  problems: RuleProblem[];
  /** Expression languages that could not be checked (their back end was unreachable, promtool hung). */
  unchecked: string[];
  /** Why each of them was not checked. */
  uncheckedReasons: string[];
}

export function listRuleFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      files.push(path);
      continue;
    }
    if (!isDir) {
      files.push(path);
      continue;
    }
    for (const name of readdirSync(path).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(join(path, name));
    }
  }
  return files;
}

/** Loads rule files; a group with any problem is left out, every other group loads. */
export async function loadRules(paths: readonly string[], options: LoadOptions): Promise<LoadedRules> {
  const groups: RuleGroup[] = [];
  const problems: RuleProblem[] = [];
  const unchecked: string[] = [];
  const uncheckedReasons: string[] = [];
  for (const file of listRuleFiles(paths)) {
    const parsed = parseRuleFile(file, options.defaultIntervalMs);
    groups.push(...parsed.groups);
    problems.push(...parsed.problems);
  }
  const exprProblems: RuleProblem[] = [];
  // A checker that cannot answer leaves its language unchecked, with the reason, and loads on.
  const check = async (language: 'promql' | 'logsql', label: string, run: () => Promise<RuleProblem[]>): Promise<void> => {
    try {
      exprProblems.push(...(await run()));
    } catch (err) {
      unchecked.push(language);
      uncheckedReasons.push(`${label}: ${(err as Error).message}`);
    }
  };
  const { prometheusUrl, victoriaLogsUrl } = options;
  if (options.promqlChecker === 'promtool')
    await check('promql', 'PromQL', () => checkPromqlWithPromtool(groups, { timeoutMs: options.promtoolTimeoutMs }));
  else if (options.promqlChecker === 'api' && prometheusUrl)
    await check('promql', 'PromQL', () => checkPromqlWithApi(groups, prometheusUrl));
  else unchecked.push('promql');
  if (groups.some((g) => g.datasource === 'victorialogs')) {
    if (victoriaLogsUrl) await check('logsql', 'LogsQL', () => checkLogsqlWithVictoriaLogs(groups, victoriaLogsUrl));
    else unchecked.push('logsql');
  }
  problems.push(...exprProblems);
  const bad = new Set(exprProblems.map((p) => `${p.file}\u0000${p.group}`));
  return { groups: groups.filter((g) => !bad.has(`${g.file}\u0000${g.name}`)), problems, unchecked, uncheckedReasons };
}
