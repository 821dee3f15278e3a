import { existsSync } from 'node:fs';
import { AlertsError } from '../errors.ts';
import { DEFAULTS } from '../options.ts';
import { SHIPPED_POLICY, SHIPPED_RULES_DIR } from '../paths.ts';
import { readPolicyFile } from '../policy/policy.ts';
import { loadRules } from '../rules/load.ts';
import { hasPromtool } from '../rules/promql-check.ts';
import { formatProblem } from '../rules/types.ts';

export async function runCheck(paths: string[], flags: { policy?: string; prometheus?: string; victorialogs?: string }): Promise<number> {
  const targets = paths.length ? paths : [SHIPPED_RULES_DIR];
  const checker = hasPromtool() ? 'promtool' : flags.prometheus ? 'api' : 'none';
  // LogsQL has no parser outside VictoriaLogs: ask the one the evaluator would query.
  const victoriaLogsUrl = flags.victorialogs || process.env.VICTORIALOGS_URL || DEFAULTS.victoriaLogsUrl;
  if (!URL.canParse(victoriaLogsUrl))
    throw new AlertsError('SHOPSCOPE_ERR_CONFIG_INVALID', `VictoriaLogs URL "${victoriaLogsUrl}" is not a URL`);
  const loaded = await loadRules(targets, {
    defaultIntervalMs: 60_000,
    promqlChecker: checker,
    prometheusUrl: flags.prometheus,
    victoriaLogsUrl,
  });
  let failed = loaded.problems.length > 0;
  for (const p of loaded.problems) console.error(formatProblem(p));
  const rules = loaded.groups.reduce((n, g) => n + g.rules.length, 0);
  console.log(`${loaded.groups.length} groups, ${rules} rules loaded; ${loaded.problems.length} problems`);
  for (const lang of loaded.unchecked) {
    console.log(
      lang === 'logsql'
        ? `LogsQL expressions not checked: no VictoriaLogs answered at ${victoriaLogsUrl} (start one, or pass --victorialogs URL or set VICTORIALOGS_URL)`
        : `PromQL expressions not checked: ${loaded.uncheckedReasons.find((r) => r.startsWith('PromQL: '))?.slice(8) ?? 'install promtool (apt-get install prometheus) or pass --prometheus URL'}`,
    );
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
