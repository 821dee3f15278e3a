// Runs one panel target against the live back end its data source names, the way Grafana's data
// source would ask it, and returns the answer in one shape: series, log lines, traces or edges.
import type { Ports } from '@shopscope/stack';
import { substituteMacros, type Macros, type TimeRange } from './time-range.ts';
import { substituteVariables, type Expanded } from './variables.ts';

export interface Target {
  refId: string;
  datasource?: { type?: string; uid?: string };
  expr?: string;
  instant?: boolean;
  exemplar?: boolean;
  format?: string;
  legendFormat?: string;
  queryType?: string;
  service?: string;
  operation?: string;
  tags?: string;
  minDuration?: string;
  limit?: number;
}

export interface Series {
  labels: Record<string, string>;
  points: [timeMs: number, value: number | null][];
}

export type QueryAnswer =
  | { kind: 'series'; series: Series[]; exemplars: number }
  | { kind: 'logs'; lines: Record<string, string>[] }
  | { kind: 'traces'; traces: { traceId: string; root: string; service: string; durationMs: number; startMs: number; error: boolean }[] }
  | { kind: 'edges'; edges: { parent: string; child: string; callCount: number }[] };

export interface QueryContext {
  ports: Ports;
  range: TimeRange;
  macros: Macros;
  variables: Expanded;
}

/** The query text after variables and macros, as the back end receives it. */
export function expandedExpr(target: Target, ctx: Pick<QueryContext, 'macros' | 'variables'>): string {
  return substituteMacros(substituteVariables(target.expr ?? '', ctx.variables), ctx.macros);
}

export function answerRows(answer: QueryAnswer): number {
  switch (answer.kind) {
    case 'series':
      return answer.series.length;
    case 'logs':
      return answer.lines.length;
    case 'traces':
      return answer.traces.length;
    case 'edges':
      return answer.edges.length;
  }
}

async function getJson<T>(url: string, what: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  // Prometheus answers 204 and no body for exemplars of a query that selects no series (`vector(300)`)
  if (response.status === 204) return { status: 'success', data: [] } as T;
  return JSON.parse(text) as T;
}

type PromMatrix = {
  status: string;
  error?: string;
  data: { resultType: string; result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[] };
};

function toSeries(body: PromMatrix): Series[] {
  if (body.status !== 'success') throw new Error(body.error ?? 'query failed');
  return body.data.result.map((r) => ({
    labels: r.metric,
    points: (r.values ?? (r.value ? [r.value] : [])).map(
      ([t, v]) => [t * 1000, Number.isFinite(Number(v)) ? Number(v) : null] as [number, number | null],
    ),
  }));
}

async function prometheusQuery(target: Target, ctx: QueryContext): Promise<QueryAnswer> {
  const base = `http://127.0.0.1:${ctx.ports.prometheus}/api/v1`;
  const query = expandedExpr(target, ctx);
  const end = ctx.range.toMs / 1000;
  const start = ctx.range.fromMs / 1000;
  const url = target.instant
    ? `${base}/query?${new URLSearchParams({ query, time: String(end) })}`
    : `${base}/query_range?${new URLSearchParams({ query, start: String(start), end: String(end), step: String(ctx.macros.stepSeconds) })}`;
  const series = toSeries(await getJson<PromMatrix>(url, 'prometheus'));
  let exemplars = 0;
  if (target.exemplar) {
    const body = await getJson<{ data: { exemplars: unknown[] }[] }>(
      `${base}/query_exemplars?${new URLSearchParams({ query, start: String(start), end: String(end) })}`,
      'prometheus exemplars',
    );
    exemplars = body.data.reduce((n, s) => n + s.exemplars.length, 0);
  }
  return { kind: 'series', series, exemplars };
}

async function logsQuery(target: Target, ctx: QueryContext): Promise<QueryAnswer> {
  const base = `http://127.0.0.1:${ctx.ports.victoriaLogs}/select/logsql`;
  const query = expandedExpr(target, ctx);
  const start = new Date(ctx.range.fromMs).toISOString();
  const end = new Date(ctx.range.toMs).toISOString();
  switch (target.queryType) {
    case 'instant': {
      const response = await fetch(`${base}/query?${new URLSearchParams({ query, start, end, limit: '100' })}`, {
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`victorialogs answered ${response.status}: ${text.slice(0, 300)}`);
      return {
        kind: 'logs',
        lines: text
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, string>),
      };
    }
    case 'stats':
      return {
        kind: 'series',
        exemplars: 0,
        series: toSeries(
          await getJson<PromMatrix>(
            `${base}/stats_query?${new URLSearchParams({ query: `_time:${ctx.macros.rangeSeconds}s ${query}`, time: end })}`,
            'victorialogs',
          ),
        ),
      };
    case 'statsRange':
      return {
        kind: 'series',
        exemplars: 0,
        series: toSeries(
          await getJson<PromMatrix>(
            `${base}/stats_query_range?${new URLSearchParams({ query, start, end, step: `${ctx.macros.stepSeconds}s` })}`,
            'victorialogs',
          ),
        ),
      };
    default:
      throw new Error(`unsupported VictoriaLogs query type ${target.queryType}`);
  }
}

/** Grafana's Jaeger editor writes tags as logfmt (`error=true a="b c"`); Jaeger's API takes JSON. */
export function logfmtToJson(tags: string): string {
  const pairs: Record<string, string> = {};
  for (const m of tags.matchAll(/([\w.]+)=("([^"]*)"|\S+)/g)) pairs[m[1]!] = m[3] ?? m[2]!;
  return JSON.stringify(pairs);
}

interface JaegerTrace {
  traceID: string;
  spans: {
    spanID: string;
    operationName: string;
    startTime: number;
    duration: number;
    processID: string;
    references?: unknown[];
    tags?: { key: string; value: unknown }[];
  }[];
  processes: Record<string, { serviceName: string }>;
}

async function jaegerQuery(target: Target, ctx: QueryContext): Promise<QueryAnswer> {
  const base = `http://127.0.0.1:${ctx.ports.jaegerQuery}/api`;
  if (target.queryType === 'dependencyGraph') {
    const body = await getJson<{ data?: { parent: string; child: string; callCount: number }[] }>(
      `${base}/dependencies?${new URLSearchParams({ endTs: String(ctx.range.toMs), lookback: String(ctx.range.toMs - ctx.range.fromMs) })}`,
      'jaeger',
    );
    return { kind: 'edges', edges: body.data ?? [] };
  }
  if (target.queryType !== 'search') throw new Error(`unsupported Jaeger query type ${target.queryType}`);
  const params = new URLSearchParams({
    service: substituteVariables(target.service ?? '', ctx.variables),
    start: String(ctx.range.fromMs * 1000),
    end: String(ctx.range.toMs * 1000),
    limit: String(target.limit ?? 20),
  });
  if (target.operation) params.set('operation', substituteVariables(target.operation, ctx.variables));
  if (target.tags) params.set('tags', logfmtToJson(substituteVariables(target.tags, ctx.variables)));
  if (target.minDuration) params.set('minDuration', target.minDuration);
  const body = await getJson<{ data?: JaegerTrace[] }>(`${base}/traces?${params}`, 'jaeger');
  return {
    kind: 'traces',
    traces: (body.data ?? []).map((trace) => {
      const root = trace.spans.find((s) => !s.references?.length) ?? trace.spans[0]!;
      const startUs = Math.min(...trace.spans.map((s) => s.startTime));
      const endUs = Math.max(...trace.spans.map((s) => s.startTime + s.duration));
      return {
        traceId: trace.traceID.padStart(32, '0'),
        root: root.operationName,
        service: trace.processes[root.processID]?.serviceName ?? '?',
        durationMs: (endUs - startUs) / 1000,
        startMs: startUs / 1000,
        error: trace.spans.some((s) => s.tags?.some((t) => t.key === 'error' && t.value === true)),
      };
    }),
  };
}

export function runQuery(target: Target, ctx: QueryContext): Promise<QueryAnswer> {
  switch (target.datasource?.type) {
    case 'prometheus':
      return prometheusQuery(target, ctx);
    case 'victoriametrics-logs-datasource':
      return logsQuery(target, ctx);
    case 'jaeger':
      return jaegerQuery(target, ctx);
    default:
      return Promise.reject(new Error(`no live runner for data source ${target.datasource?.type}`));
  }
}
