// A Grafana panel and its live answers → the picture's data (@shopscope/charts' Panel), close to
// what Grafana would draw: legends from legendFormat, histogram buckets de-cumulated into a
// heatmap, trace searches as tables, service-graph edges as a node graph.
import type { BarPanel, HeatmapPanel, LogsPanel, NodeGraphPanel, Panel, TablePanel, TimeSeries } from '@shopscope/charts';
import type { PanelOutcome, QueryOutcome } from '../live/run-board.ts';
import type { Series } from '../live/run-query.ts';
import type { TimeRange } from '../live/time-range.ts';

export function legendName(series: Series, legendFormat: string | undefined): string {
  const { __name__: metric, ...labels } = series.labels;
  if (legendFormat && legendFormat !== '__auto')
    return legendFormat.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  const text = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return text ? (metric ? `${metric}{${text}}` : text) : (metric ?? 'value');
}

const lastValue = (series: Series) => [...series.points].reverse().find(([, v]) => v !== null)?.[1] ?? null;

function seriesOf(queries: QueryOutcome[]): { name: string; series: Series }[] {
  return queries.flatMap((q) =>
    q.answer?.kind === 'series' ? q.answer.series.map((s) => ({ name: legendName(s, q.target.legendFormat), series: s })) : [],
  );
}

function toTable(title: string, queries: QueryOutcome[]): TablePanel {
  const traces = queries.flatMap((q) => (q.answer?.kind === 'traces' ? q.answer.traces : []));
  if (traces.length > 0) {
    const rows = [...traces]
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, 12)
      .map((t) => [
        t.traceId.slice(0, 16),
        `${t.service}: ${t.root}`,
        new Date(t.startMs).toISOString().slice(11, 19),
        Number(t.durationMs.toFixed(1)),
      ]);
    return { kind: 'table', title, columns: ['Trace ID', 'Trace name', 'Start', 'Duration (ms)'], rows };
  }
  // Prometheus tables: one row per label set, one value column per query (Grafana's merge)
  const labelNames = new Set<string>();
  const rows = new Map<string, Record<string, string | number | null>>();
  const valueColumns: string[] = [];
  for (const q of queries) {
    if (q.answer?.kind !== 'series') continue;
    const column = queries.length > 1 ? `Value #${q.target.refId}` : 'Value';
    valueColumns.push(column);
    for (const s of q.answer.series) {
      const { __name__: _metric, ...labels } = s.labels;
      Object.keys(labels).forEach((k) => labelNames.add(k));
      const key = JSON.stringify(Object.entries(labels).sort());
      const row = rows.get(key) ?? { ...labels };
      const value = lastValue(s);
      row[column] = value === null ? null : Number(value.toPrecision(4));
      rows.set(key, row);
    }
  }
  const columns = [...labelNames, ...valueColumns];
  // the biggest first, as a reader sorts a table in Grafana
  const first = valueColumns[0] ?? '';
  const sorted = [...rows.values()].sort((a, b) => Number(b[first] ?? -Infinity) - Number(a[first] ?? -Infinity));
  return { kind: 'table', title, columns, rows: sorted.slice(0, 14).map((r) => columns.map((c) => r[c] ?? null)) };
}

function toHeatmap(title: string, queries: QueryOutcome[]): HeatmapPanel {
  const buckets = seriesOf(queries)
    .map(({ series }) => ({ le: series.labels.le ?? '+Inf', series }))
    // Number('+Inf') is NaN: the overflow bucket goes last
    .sort((a, b) => (a.le === '+Inf' ? Infinity : Number(a.le)) - (b.le === '+Inf' ? Infinity : Number(b.le)));
  const timesMs = buckets[0]?.series.points.map(([t]) => t) ?? [];
  const cells: [number, number, number][] = [];
  timesMs.forEach((_, ti) => {
    let below = 0;
    buckets.forEach((b, bi) => {
      const cumulative = b.series.points[ti]?.[1] ?? 0;
      cells.push([ti, bi, Math.max(0, Math.round(cumulative - below))]);
      below = cumulative;
    });
  });
  return { kind: 'heatmap', title, timesMs, buckets: buckets.map((b) => (b.le === '+Inf' ? '+Inf' : `≤ ${b.le}s`)), cells };
}

function toNodeGraph(title: string, queries: QueryOutcome[]): NodeGraphPanel {
  const dependencies = queries.flatMap((q) => (q.answer?.kind === 'edges' ? q.answer.edges : []));
  if (dependencies.length > 0) {
    const ids = new Set(dependencies.flatMap((d) => [d.parent, d.child]));
    return {
      kind: 'nodegraph',
      title,
      nodes: [...ids].map((id) => ({ id })),
      edges: dependencies.map((d) => ({ source: d.parent, target: d.child, label: `${d.callCount} calls` })),
    };
  }
  const byRef = (refId: string) =>
    new Map(
      queries
        .filter((q) => q.target.refId === refId && q.answer?.kind === 'series')
        .flatMap((q) =>
          (q.answer as { series: Series[] }).series.map((s) => [`${s.labels.client}->${s.labels.server}`, lastValue(s)] as const),
        ),
    );
  const calls = byRef('A');
  const failed = byRef('B');
  const p95 = byRef('C');
  const edges = [...calls.entries()]
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([key, n]) => {
      const [source, target] = key.split('->') as [string, string];
      const share = failed.get(key) ?? 0;
      const latency = p95.get(key);
      return {
        source,
        target,
        failing: (share ?? 0) > 0,
        label: `${Math.round(n ?? 0)} calls${share ? `, ${(share * 100).toFixed(0)}% failed` : ''}${latency ? `, p95 ${(latency * 1000).toFixed(0)} ms` : ''}`,
      };
    });
  const ids = new Set(edges.flatMap((e) => [e.source, e.target]));
  return { kind: 'nodegraph', title, nodes: [...ids].map((id) => ({ id })), edges };
}

function toLogs(title: string, queries: QueryOutcome[]): LogsPanel {
  const lines = queries
    .flatMap((q) => (q.answer?.kind === 'logs' ? q.answer.lines : []))
    .map((row) => ({
      timeMs: Date.parse(row._time ?? ''),
      level: row.severity_text ?? 'info',
      text: `${row['service.name'] ?? ''} ${row._msg ?? ''}${row.trace_id ? `  trace ${row.trace_id.slice(0, 12)}` : ''}`.trim(),
    }))
    .sort((a, b) => b.timeMs - a.timeMs)
    .slice(0, 14);
  return { kind: 'logs', title, lines };
}

function toBar(title: string, queries: QueryOutcome[], unit?: string): BarPanel {
  const named = seriesOf(queries);
  return {
    kind: 'bar',
    title,
    unit,
    categories: named.map((n) => n.name),
    series: [{ name: title, values: named.map((n) => lastValue(n.series) ?? 0) }],
  };
}

/** The panel's `organize` transformation: its column names and hidden columns. */
function organised(table: TablePanel, outcome: PanelOutcome): TablePanel {
  const organize = outcome.panel.transformations?.find((t) => t.id === 'organize')?.options;
  if (!organize) return table;
  const keep = table.columns.map((c, i) => [c, i] as const).filter(([c]) => !organize.excludeByName?.[c] && c !== '__name__');
  return {
    ...table,
    columns: keep.map(([c]) => organize.renameByName?.[c] ?? c),
    rows: table.rows.map((row) => keep.map(([, i]) => row[i] ?? null)),
  };
}

/** `range`: the time range the queries ran over, the time axis' ends (else the axis spans the data). */
export function toChartPanel(outcome: PanelOutcome, range?: TimeRange): Panel {
  const { panel, queries } = outcome;
  const title = panel.title;
  const unit = panel.fieldConfig?.defaults?.unit;
  switch (panel.type) {
    case 'stat': {
      const first = seriesOf(queries)[0];
      return { kind: 'stat', title, unit, value: first ? lastValue(first.series) : null };
    }
    case 'barchart':
      return toBar(title, queries, unit);
    case 'table':
      return organised(toTable(title, queries), outcome);
    case 'heatmap':
      return toHeatmap(title, queries);
    case 'nodeGraph':
      return toNodeGraph(title, queries);
    case 'logs':
      return toLogs(title, queries);
    default: {
      // the busiest series, as a reader's eye goes to them first; a picture has room for a few
      const peak = (s: Series) => Math.max(0, ...s.points.map(([, v]) => v ?? 0));
      const series: TimeSeries[] = seriesOf(queries)
        .sort((a, b) => peak(b.series) - peak(a.series))
        .slice(0, 8)
        .map(({ name, series: s }) => ({ name, points: s.points }));
      return { kind: 'timeseries', title, unit, series, ...(range ? { range } : {}) };
    }
  }
}
