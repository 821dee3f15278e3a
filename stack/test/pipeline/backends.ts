// Small readers of the back ends' HTTP APIs, for the end-to-end tests.
import type { Ports } from '../../src/settings.ts';

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  status?: { code?: number | string };
  attributes?: { key: string; value: Record<string, unknown> }[];
  service: string;
}

const b64ToHex = (value: string | undefined) => (value ? Buffer.from(value, 'base64').toString('hex') : '');

/** Tempo's `/api/traces/{id}` (OTLP JSON, ids in base64) flattened to spans with their service. */
export async function tempoTrace(ports: Ports, traceId: string): Promise<OtlpSpan[] | undefined> {
  const response = await fetch(`http://127.0.0.1:${ports.tempoHttp}/api/traces/${traceId}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`tempo answered ${response.status}`);
  const body = (await response.json()) as { batches?: unknown[]; resourceSpans?: unknown[] };
  const batches = (body.batches ?? body.resourceSpans ?? []) as {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: { spans?: Record<string, unknown>[] }[];
    instrumentationLibrarySpans?: { spans?: Record<string, unknown>[] }[];
  }[];
  const spans: OtlpSpan[] = [];
  for (const batch of batches) {
    const service = batch.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
    for (const scope of batch.scopeSpans ?? batch.instrumentationLibrarySpans ?? []) {
      for (const raw of scope.spans ?? []) {
        const span = raw as unknown as OtlpSpan;
        spans.push({
          ...span,
          traceId: b64ToHex(span.traceId),
          spanId: b64ToHex(span.spanId),
          parentSpanId: b64ToHex(span.parentSpanId),
          service,
        });
      }
    }
  }
  return spans.length ? spans : undefined;
}

export function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}

export async function tempoSearch(ports: Ports, traceQl: string, sinceSeconds = 600): Promise<string[]> {
  const end = Math.floor(Date.now() / 1000) + 5;
  const url = `http://127.0.0.1:${ports.tempoHttp}/api/search?q=${encodeURIComponent(traceQl)}&start=${end - sinceSeconds}&end=${end}&limit=200`;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`tempo search answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { traces?: { traceID: string }[] };
  return (body.traces ?? []).map((t) => t.traceID.padStart(32, '0'));
}

export interface LokiLine {
  labels: Record<string, string>;
  line: string;
  /** The OTLP log attributes (the convention's fields), kept by Loki as structured metadata. */
  metadata: Record<string, string>;
}

export async function lokiQuery(ports: Ports, logQl: string, sinceSeconds = 600): Promise<LokiLine[]> {
  const end = Date.now() * 1_000_000 + 5e9;
  const start = end - sinceSeconds * 1e9;
  const url = `http://127.0.0.1:${ports.lokiHttp}/loki/api/v1/query_range?query=${encodeURIComponent(logQl)}&start=${start}&end=${end}&limit=1000`;
  const response = await fetch(url, { headers: { 'X-Loki-Response-Encoding-Flags': 'categorize-labels' } });
  if (!response.ok) throw new Error(`loki answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as {
    data: { result: { stream: Record<string, string>; values: [string, string, { structuredMetadata?: Record<string, string> }?][] }[] };
  };
  return body.data.result.flatMap((r) =>
    r.values.map(([, line, extra]) => ({ labels: r.stream, line, metadata: extra?.structuredMetadata ?? {} })),
  );
}

export async function promQuery(ports: Ports, promQl: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`http://127.0.0.1:${ports.prometheus}/api/v1/query?query=${encodeURIComponent(promQl)}`);
  const body = (await response.json()) as { status: string; error?: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
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
