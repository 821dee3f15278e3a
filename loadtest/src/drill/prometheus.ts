// The two Prometheus HTTP API calls the drills need: an instant query and a range query.
import type { TimePoint } from '@shopscope/charts';

interface Sample {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function api(base: string, path: string, params: Record<string, string>): Promise<Sample[]> {
  const response = await fetch(`${base}/api/v1/${path}?${new URLSearchParams(params)}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; error?: string; data?: { result: Sample[] } };
  if (body.status !== 'success') throw new Error(`Prometheus refused ${params.query}: ${body.error ?? response.status}`);
  return body.data?.result ?? [];
}

/** Every value of an instant query (an empty result is an empty list). */
export async function instantValues(base: string, query: string): Promise<number[]> {
  return (await api(base, 'query', { query })).map((s) => Number(s.value?.[1]));
}

export interface NamedSeries {
  name: string;
  points: TimePoint[];
}

export async function rangeSeries(base: string, query: string, startMs: number, endMs: number): Promise<NamedSeries[]> {
  const step = Math.max(2, Math.ceil((endMs - startMs) / 1000 / 300));
  const result = await api(base, 'query_range', { query, start: String(startMs / 1000), end: String(endMs / 1000), step: `${step}s` });
  return result.map((s) => ({
    name:
      Object.entries(s.metric)
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || query,
    points: (s.values ?? []).map(([t, v]) => [t * 1000, Number.isFinite(Number(v)) ? Number(v) : null] as TimePoint),
  }));
}
