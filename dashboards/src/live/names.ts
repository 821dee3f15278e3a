// The metric and label names a PromQL query reads, from Prometheus's own grammar: the names the
// "No data" trap hides when one of them does not exist.
import { parser } from '@prometheus-io/lezer-promql';

export interface UsedNames {
  metrics: Set<string>;
  labels: Set<string>;
}

export function namesIn(query: string): UsedNames {
  const metrics = new Set<string>();
  const labels = new Set<string>();
  parser.parse(query).iterate({
    enter: (node) => {
      const text = query.slice(node.from, node.to);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.add(text);
      if (node.name === 'LabelName') labels.add(text);
    },
  });
  // labels a query makes itself (label_replace, label_join) are not Prometheus's to know
  for (const made of query.matchAll(/label_(?:replace|join)\([\s\S]*?,\s*"(\w+)"/g)) labels.delete(made[1]!);
  labels.delete('__name__');
  return { metrics, labels };
}
