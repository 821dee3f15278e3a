import { matchesAll } from '../policy/matchers.ts';
import type { Route } from '../policy/policy.ts';

/** Alertmanager's routing: the deepest matching routes, siblings tried in order until one matches without `continue`. */
export function matchRoutes(route: Route, labels: Readonly<Record<string, string>>): Route[] {
  if (!matchesAll(route.matchers, labels)) return [];
  const found: Route[] = [];
  for (const child of route.routes) {
    const matched = matchRoutes(child, labels);
    if (matched.length === 0) continue;
    found.push(...matched);
    if (!child.continue) break;
  }
  return found.length > 0 ? found : [route];
}

/** The aggregation group an alert falls in under a route: the route and the values of its group_by labels. */
export function groupKey(route: Route, labels: Readonly<Record<string, string>>): { key: string; groupLabels: Record<string, string> } {
  const names = route.groupBy === 'all' ? Object.keys(labels).sort() : [...route.groupBy].sort();
  const groupLabels: Record<string, string> = {};
  for (const n of names) if (labels[n] !== undefined) groupLabels[n] = labels[n];
  return { key: `${route.id}:${JSON.stringify(groupLabels)}`, groupLabels };
}
