import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { AlertsError } from '../errors.ts';
import { parseRuleFile } from './parse.ts';
import { toPromtoolYaml } from './promtool-compat.ts';
import { formatProblem } from './types.ts';

export interface PromtoolTestResult {
  ok: boolean;
  output: string;
}

/**
 * Runs `promtool test rules` on the test files. The rule files are first rewritten in the dialect
 * promtool 2.42 reads (see promtool-compat.ts) into a copy of the layout, so that the tests'
 * relative `rule_files` paths (`../rules/x.yml`) still point at them.
 */
export function runPromtoolTests(rulesDir: string, testsDir: string, only?: readonly string[]): PromtoolTestResult {
  const work = mkdtempSync(join(tmpdir(), 'shopscope-promtool-test-'));
  try {
    mkdirSync(join(work, 'rules'));
    mkdirSync(join(work, 'tests'));
    const problems: string[] = [];
    for (const name of readdirSync(rulesDir).filter((n) => /\.ya?ml$/.test(n))) {
      const parsed = parseRuleFile(join(rulesDir, name), 60_000);
      problems.push(...parsed.problems.map(formatProblem));
      writeFileSync(join(work, 'rules', name), toPromtoolYaml(parsed.groups));
    }
    if (problems.length) return { ok: false, output: problems.join('\n') };
    const tests = readdirSync(testsDir)
      .filter((n) => /\.ya?ml$/.test(n))
      .filter((n) => !only || only.includes(n) || only.includes(basename(n)));
    for (const name of tests) copyFileSync(join(testsDir, name), join(work, 'tests', name));
    // Bounded like every promtool run: a hung one fails the tests instead of hanging them.
    const result = spawnSync('promtool', ['test', 'rules', ...tests], {
      cwd: join(work, 'tests'),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 5 * 60_000,
      killSignal: 'SIGKILL',
    });
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT')
      return { ok: false, output: 'promtool test rules did not finish within 5 minutes' };
    if (result.error) throw new AlertsError('SHOPSCOPE_ERR_PROMTOOL_MISSING', `cannot run promtool: ${result.error.message}`);
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
