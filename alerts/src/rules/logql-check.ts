import { exprProblem } from './promql-check.ts';
import type { RuleGroup, RuleProblem } from './types.ts';

/** Asks Loki's own parser (`/loki/api/v1/format_query`) about every LogQL expression. */
export async function checkLogqlWithLoki(groups: readonly RuleGroup[], lokiUrl: string): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  for (const group of groups.filter((g) => g.datasource === 'loki')) {
    for (const rule of group.rules) {
      const url = new URL('/loki/api/v1/format_query', lokiUrl);
      url.searchParams.set('query', rule.expr);
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.status === 400) problems.push(exprProblem(group, rule.index, (await response.text()).trim()));
    }
  }
  return problems;
}
