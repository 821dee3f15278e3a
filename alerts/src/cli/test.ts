import { SHIPPED_RULES_DIR, SHIPPED_TESTS_DIR } from '../paths.ts';
import { runPromtoolTests } from '../rules/promtool-test.ts';

export async function runTest(files: string[], flags: { rules?: string; tests?: string }): Promise<number> {
  const result = runPromtoolTests(flags.rules ?? SHIPPED_RULES_DIR, flags.tests ?? SHIPPED_TESTS_DIR, files.length ? files : undefined);
  (result.ok ? console.log : console.error)(result.output.trim());
  return result.ok ? 0 : 1;
}
