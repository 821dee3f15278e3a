import { apiUrl } from '../query/api-url.ts';
import { exprProblem } from './promql-check.ts';
import type { RuleGroup, RuleProblem } from './types.ts';

// The first second of 1970: no log is there, so VictoriaLogs parses the query and reads nothing.
const EMPTY_RANGE = { time: '1', start: '0', end: '1' };

interface PrometheusError {
  status?: string;
  error?: string;
}

/**
 * Asks VictoriaLogs's own parser about every LogsQL expression, through the endpoint the rules are
 * evaluated with (`/select/logsql/stats_query`), so a query that parses but is no stats query (no
 * `| stats` pipe) is refused too. A 4xx answer in Prometheus's error format is a problem of the
 * rule; anything else that is not a success (no answer, 5xx, another server) throws, and the
 * caller reports LogsQL as not checked.
 */
export async function checkLogsqlWithVictoriaLogs(groups: readonly RuleGroup[], victoriaLogsUrl: string): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  for (const group of groups.filter((g) => g.datasource === 'victorialogs')) {
    for (const rule of group.rules) {
      const url = apiUrl(victoriaLogsUrl, '/select/logsql/stats_query');
      url.search = new URLSearchParams({ query: rule.expr, ...EMPTY_RANGE }).toString();
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (response.ok) {
        await response.body?.cancel();
        continue;
      }
      const text = await response.text();
      let json: PrometheusError | undefined;
      try {
        json = JSON.parse(text) as PrometheusError;
      } catch {
        /* not VictoriaLogs's error format */
      }
      if (response.status >= 400 && response.status < 500 && json?.status === 'error' && json.error) {
        problems.push(exprProblem(group, rule.index, json.error));
        continue;
      }
      throw new Error(`${url.origin}${url.pathname}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    }
  }
  return problems;
}
