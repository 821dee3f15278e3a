// Fixed positions for a node graph: callers on the left, what they call to the right, one
// column per hop. ECharts' force layout is animated and never settles in a server-side render,
// so a picture of a service map needs positions computed up front.

export interface Placed {
  id: string;
  x: number;
  y: number;
}

export function layerNodes(ids: string[], edges: { source: string; target: string }[], width: number, height: number): Placed[] {
  const incoming = new Map(ids.map((id) => [id, 0]));
  for (const edge of edges) if (edge.source !== edge.target) incoming.set(edge.target, (incoming.get(edge.target) ?? 0) + 1);
  // Depth = longest path from a node nobody calls; a cycle is cut where it is first met.
  const depth = new Map<string, number>();
  const roots = ids.filter((id) => (incoming.get(id) ?? 0) === 0);
  const queue = (roots.length ? roots : ids.slice(0, 1)).map((id) => ({ id, level: 0 }));
  const visits = new Map<string, number>();
  while (queue.length) {
    const { id, level } = queue.shift()!;
    if ((depth.get(id) ?? -1) >= level) continue;
    const seen = (visits.get(id) ?? 0) + 1;
    if (seen > ids.length) continue;
    visits.set(id, seen);
    depth.set(id, level);
    for (const edge of edges) if (edge.source === id && edge.target !== id) queue.push({ id: edge.target, level: level + 1 });
  }
  for (const id of ids) if (!depth.has(id)) depth.set(id, 0);
  const columns = new Map<number, string[]>();
  for (const id of ids) columns.set(depth.get(id)!, [...(columns.get(depth.get(id)!) ?? []), id]);
  const levels = Math.max(...columns.keys(), 0) + 1;
  const placed: Placed[] = [];
  for (const [level, members] of columns) {
    members.sort();
    members.forEach((id, index) => {
      placed.push({ id, x: ((level + 0.5) / levels) * width, y: ((index + 0.5) / members.length) * height });
    });
  }
  return placed;
}
