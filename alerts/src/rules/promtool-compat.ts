import { stringify } from 'yaml';
import { formatDuration } from './duration.ts';
import type { RuleGroup } from './types.ts';

/**
 * Writes Prometheus groups as the rule-file dialect promtool 2.42 accepts: VictoriaLogs (LogsQL)
 * groups are left out, `datasource` is dropped and group `labels` are merged into each rule (rule
 * labels win), which is what Prometheus 3 does with group labels.
 */
export function toPromtoolYaml(groups: readonly RuleGroup[]): string {
  const out = groups
    .filter((g) => g.datasource === 'prometheus')
    .map((g) => ({
      name: g.name,
      interval: formatDuration(g.intervalMs),
      rules: g.rules.map((r) => {
        const labels = { ...g.labels, ...r.labels };
        const hasLabels = Object.keys(labels).length > 0;
        if (r.kind === 'record') return { record: r.name, expr: r.expr, ...(hasLabels ? { labels } : {}) };
        return {
          alert: r.name,
          expr: r.expr,
          ...(r.forMs ? { for: formatDuration(r.forMs) } : {}),
          ...(r.keepFiringForMs ? { keep_firing_for: formatDuration(r.keepFiringForMs) } : {}),
          ...(hasLabels ? { labels } : {}),
          ...(Object.keys(r.annotations).length ? { annotations: r.annotations } : {}),
        };
      }),
    }));
  return stringify({ groups: out }, { lineWidth: 0 });
}
