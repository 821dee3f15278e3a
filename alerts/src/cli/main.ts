// `shopscope-alerts check|test|slo|silence`: validate rules, run rule tests, generate SLO rules, manage silences.
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../options.ts';
import { runCheck } from './check.ts';
import { runSilence } from './silence.ts';
import { runSlo } from './slo.ts';
import { runTest } from './test.ts';

const USAGE = `usage: shopscope-alerts <command> [options]
  check [paths...] [--policy file] [--prometheus url] [--victorialogs url]
                       validate rule files (default: the shipped alerts/rules) and the policy (alerts/policy.yml);
                       LogsQL is parsed by the VictoriaLogs at --victorialogs, VICTORIALOGS_URL or ${DEFAULTS.victoriaLogsUrl}
  test [--rules dir] [--tests dir] [files...]
                       run the promtool unit tests (default alerts/tests against alerts/rules)
  slo [slo.yml] [--out file] [--check]
                       generate burn-rate rules (default alerts/slo.yml -> alerts/rules/slo.generated.rules.yml);
                       --check fails when the generated file is out of date
  silence add --matcher 'name="v"' [--matcher ...] --duration 2h --comment why [--author who] [--url api]
  silence list [--url api]
  silence expire <id> [--url api]
                       add and expire send SHOPSCOPE_ALERTS_TOKEN (from the environment) as the Bearer token`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    strict: true,
    options: {
      policy: { type: 'string' },
      prometheus: { type: 'string' },
      victorialogs: { type: 'string' },
      rules: { type: 'string' },
      tests: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean' },
      matcher: { type: 'string', multiple: true },
      duration: { type: 'string' },
      comment: { type: 'string' },
      author: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !command) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  switch (command) {
    case 'check':
      return runCheck(positionals, values);
    case 'test':
      return runTest(positionals, values);
    case 'slo':
      return runSlo(positionals, values);
    case 'silence':
      return runSilence(positionals, values);
    default:
      console.error(`unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const e = err as Error & { code?: string };
  console.error(`shopscope-alerts: ${e.message}${e.code ? ` [${e.code}]` : ''}`);
  process.exitCode = 2;
}
