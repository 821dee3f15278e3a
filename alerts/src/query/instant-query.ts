import { AlertsError } from '../errors.ts';
import { apiUrl } from './api-url.ts';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

interface VectorResponse {
  status: 'success' | 'error';
  error?: string;
  errorType?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> | [number, string] };
}

/**
 * One instant query through the Prometheus vector format that Prometheus (`POST /api/v1/query`)
 * and VictoriaLogs (`GET /select/logsql/stats_query`) both answer in. Scalars become one sample
 * without labels.
 */
export async function instantQuery(
  baseUrl: string,
  path: string,
  expr: string,
  time: Date,
  timeoutMs: number,
  method: 'GET' | 'POST' = 'POST',
): Promise<Sample[]> {
  const body = new URLSearchParams({ query: expr, time: (time.getTime() / 1000).toFixed(3) });
  let response: Response;
  try {
    const url = apiUrl(baseUrl, path);
    response =
      method === 'GET'
        ? await fetch(`${url.href}?${body}`, { signal: AbortSignal.timeout(timeoutMs) })
        : await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new AlertsError('SHOPSCOPE_ERR_QUERY_FAILED', `${baseUrl}${path}: ${(err as Error).message}`, { cause: err });
  }
  const text = await response.text();
  let json: VectorResponse;
  try {
    json = JSON.parse(text) as VectorResponse;
  } catch {
    throw new AlertsError('SHOPSCOPE_ERR_QUERY_FAILED', `${baseUrl}${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  if (json.status !== 'success' || !json.data) {
    throw new AlertsError(
      'SHOPSCOPE_ERR_QUERY_FAILED',
      `${baseUrl}${path}: ${json.errorType ?? 'error'}: ${json.error ?? text.slice(0, 300)}`,
    );
  }
  const { resultType, result } = json.data;
  if (resultType === 'scalar') return [{ labels: {}, value: Number((result as [number, string])[1]) }];
  if (resultType !== 'vector') {
    throw new AlertsError('SHOPSCOPE_ERR_QUERY_FAILED', `${path}: an alert expression must return a vector, got ${resultType}`);
  }
  return (result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((r) => ({
    labels: presentLabels(r.metric),
    value: Number(r.value[1]),
  }));
}

/**
 * Drops labels with an empty value. VictoriaLogs reports a `by (...)` field that a log lacks as
 * `""`; in Prometheus an empty label is no label, and alerts compare label sets that way.
 */
function presentLabels(metric: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(metric).filter(([, v]) => v !== ''));
}

export interface Exemplar {
  traceId: string;
  value: number;
  timestamp: number;
  labels: Record<string, string>;
}

/** The newest exemplar that carries a trace id, from Prometheus's `/api/v1/query_exemplars`. */
export async function latestExemplar(
  prometheusUrl: string,
  selector: string,
  since: Date,
  until: Date,
  timeoutMs: number,
): Promise<Exemplar | undefined> {
  const url = apiUrl(prometheusUrl, '/api/v1/query_exemplars');
  url.searchParams.set('query', selector);
  url.searchParams.set('start', String(since.getTime() / 1000));
  url.searchParams.set('end', String(until.getTime() / 1000));
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) return undefined;
  const json = (await response.json()) as {
    data?: Array<{ exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }> }>;
  };
  let best: Exemplar | undefined;
  for (const series of json.data ?? []) {
    for (const e of series.exemplars) {
      const traceId = e.labels.trace_id ?? e.labels.traceID ?? e.labels.traceId;
      if (traceId && (!best || e.timestamp > best.timestamp))
        best = { traceId, value: Number(e.value), timestamp: e.timestamp, labels: e.labels };
    }
  }
  return best;
}
