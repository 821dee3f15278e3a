// Small readers of the back ends' HTTP APIs (Jaeger, VictoriaLogs, Prometheus), for the
// end-to-end tests.
import type { Ports } from '@shopscope/stack';

export interface TraceSpan {
  traceId: string;
  spanId: string;
  /** The CHILD_OF reference's span, or '' for a root. */
  parentSpanId: string;
  name: string;
  /** Jaeger's tags: the span's attributes, plus span.kind, otel.status_code and error. */
  tags: Record<string, unknown>;
  service: string;
}

interface JaegerTrace {
  traceID: string;
  spans: {
    traceID: string;
    spanID: string;
    operationName: string;
    references?: { refType: string; spanID: string }[];
    processID: string;
    tags?: { key: string; value: unknown }[];
  }[];
  processes: Record<string, { serviceName: string }>;
}

function flatten(trace: JaegerTrace): TraceSpan[] {
  return trace.spans.map((span) => ({
    traceId: span.traceID.padStart(32, '0'),
    spanId: span.spanID,
    parentSpanId: span.references?.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '',
    name: span.operationName,
    tags: Object.fromEntries((span.tags ?? []).map((t) => [t.key, t.value])),
    service: trace.processes[span.processID]?.serviceName ?? '?',
  }));
}

/** Jaeger's v1 `/api/traces/{id}` flattened to spans with their service; undefined while unknown. */
export async function jaegerTrace(ports: Ports, traceId: string): Promise<TraceSpan[] | undefined> {
  const response = await fetch(`http://127.0.0.1:${ports.jaegerQuery}/api/traces/${traceId}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`jaeger answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { data?: JaegerTrace[] };
  const spans = (body.data ?? []).flatMap(flatten);
  return spans.length ? spans : undefined;
}

export function attribute(span: TraceSpan, key: string): unknown {
  return span.tags[key];
}

/** Trace ids of one service's traces with the given tags, from Jaeger's v1 search. */
export async function jaegerSearch(ports: Ports, service: string, tags: Record<string, string>, sinceSeconds = 600): Promise<string[]> {
  const end = Date.now() * 1000 + 5_000_000;
  const query = new URLSearchParams({
    service,
    tags: JSON.stringify(tags),
    start: String(end - sinceSeconds * 1_000_000),
    end: String(end),
    limit: '200',
  });
  const response = await fetch(`http://127.0.0.1:${ports.jaegerQuery}/api/traces?${query}`);
  if (!response.ok) throw new Error(`jaeger search answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { data?: JaegerTrace[] };
  return (body.data ?? []).map((t) => t.traceID.padStart(32, '0'));
}

/** One row of a LogsQL answer: `_msg`, `_time`, `_stream`, the stream fields and every other field. */
export type LogRow = Record<string, string>;

export async function logsQuery(ports: Ports, logsQl: string, limit = 1000): Promise<LogRow[]> {
  const query = new URLSearchParams({ query: logsQl, limit: String(limit) });
  const response = await fetch(`http://127.0.0.1:${ports.victoriaLogs}/select/logsql/query?${query}`);
  if (!response.ok) throw new Error(`victorialogs answered ${response.status}: ${await response.text()}`);
  return (await response.text())
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as LogRow);
}

export async function promQuery(ports: Ports, promQl: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`http://127.0.0.1:${ports.prometheus}/api/v1/query?query=${encodeURIComponent(promQl)}`);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`prometheus: ${body.error}`);
  return body.data.result;
}

export async function promExemplars(ports: Ports, promQl: string, sinceSeconds = 600) {
  const end = Date.now() / 1000;
  const url = `http://127.0.0.1:${ports.prometheus}/api/v1/query_exemplars?query=${encodeURIComponent(promQl)}&start=${end - sinceSeconds}&end=${end + 5}`;
  const body = (await (await fetch(url)).json()) as {
    status: string;
    data: { seriesLabels: Record<string, string>; exemplars: { labels: Record<string, string>; value: string }[] }[];
  };
  if (body.status !== 'success') throw new Error('prometheus exemplar query failed');
  return body.data;
}

/** Sums a counter over every series on a Prometheus text endpoint (a component's own /metrics). */
export async function scrapeSum(url: string, name: string): Promise<number> {
  const text = await (await fetch(url)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}
