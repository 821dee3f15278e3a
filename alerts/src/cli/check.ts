import { existsSync } from 'node:fs';
import { SHIPPED_POLICY, SHIPPED_RULES_DIR } from '../paths.ts';
import { readPolicyFile } from '../policy/policy.ts';
import { loadRules } from '../rules/load.ts';
import { hasPromtool } from '../rules/promql-check.ts';
import { formatProblem } from '../rules/types.ts';

export async function runCheck(paths: string[], flags: { policy?: string; prometheus?: string; loki?: string }): Promise<number> {
  const targets = paths.length ? paths : [SHIPPED_RULES_DIR];
  const checker = hasPromtool() ? 'promtool' : flags.prometheus ? 'api' : 'none';
  const loaded = await loadRules(targets, { defaultIntervalMs: 60_000, promqlChecker: checker, prometheusUrl: flags.prometheus, lokiUrl: flags.loki });
  let failed = loaded.problems.length > 0;
  for (const p of loaded.problems) console.error(formatProblem(p));
  const rules = loaded.groups.reduce((n, g) => n + g.rules.length, 0);
  console.log(`${loaded.groups.length} groups, ${rules} rules loaded; ${loaded.problems.length} problems`);
  for (const lang of loaded.unchecked) {
    console.log(lang === 'logql'
      ? 'LogQL expressions not checked: pass --loki http://127.0.0.1:3100 with Loki running'
      : 'PromQL expressions not checked: install promtool (apt-get install prometheus) or pass --prometheus URL');
  }
  const policy = flags.policy ?? SHIPPED_POLICY;
  if (flags.policy || existsSync(policy)) {
    try {
      const p = readPolicyFile(policy);
      console.log(`policy ${policy}: ${p.receivers.size} receivers, ${p.inhibitRules.length} inhibition rules`);
    } catch (err) {
      console.error((err as Error).message);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}
