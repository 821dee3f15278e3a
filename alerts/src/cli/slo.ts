import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { GENERATED_SLO_RULES, SHIPPED_SLO } from '../paths.ts';
import { burnRateRulesYaml } from '../slo/burn-rate-rules.ts';
import { readSloFile } from '../slo/schema.ts';

export async function runSlo(paths: string[], flags: { out?: string; check?: boolean }): Promise<number> {
  const source = paths[0] ?? SHIPPED_SLO;
  const out = flags.out ?? GENERATED_SLO_RULES;
  const slos = readSloFile(source);
  const yaml = burnRateRulesYaml(slos, basename(source));
  if (flags.check) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      /* missing counts as out of date */
    }
    if (current !== yaml) {
      console.error(`${out} is out of date: run shopscope-alerts slo ${source}`);
      return 1;
    }
    console.log(`${out} is up to date (${slos.length} SLOs)`);
    return 0;
  }
  writeFileSync(out, yaml);
  console.log(`wrote ${out}: ${slos.length} SLOs, ${slos.length * 5} recording rules, ${slos.length * 2} alerts`);
  return 0;
}
