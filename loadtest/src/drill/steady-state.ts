// Steady state: every declared check holds, and nothing pages.
import type { Targets } from '../settings.ts';
import { instantValues } from './prometheus.ts';
import type { SteadyStateCheck } from './schema.ts';
import { firingPages } from './pages.ts';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export async function checkSteadyState(
  targets: Targets,
  checks: readonly SteadyStateCheck[],
  ignoredAlerts: readonly string[] = [],
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks)
    results.push(await runCheck(targets, check).catch((err: Error) => ({ name: check.name, ok: false, detail: err.message })));
  const firing = await firingPages(targets, ignoredAlerts);
  results.push({ name: 'no page firing', ok: firing.length === 0, detail: firing.length ? `firing: ${firing.join(', ')}` : 'none' });
  return results;
}

async function runCheck(targets: Targets, check: SteadyStateCheck): Promise<CheckResult> {
  if ('http' in check) {
    const url = check.http.startsWith('/') ? `${targets.gateway}${check.http}` : check.http;
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return { name: check.name, ok: response.status === check.status, detail: `${url} answered ${response.status}` };
  }
  const values = await instantValues(targets.prometheus, check.promql);
  const top = values.length ? Math.max(...values) : undefined;
  const ok =
    (check.atMost === undefined || (top ?? 0) <= check.atMost) &&
    (check.atLeast === undefined || (top !== undefined && top >= check.atLeast));
  return { name: check.name, ok, detail: `value ${top === undefined ? 'empty' : top.toPrecision(4)}` };
}
