// Query builders for the panels. Prometheus queries come from the SDK; the SDK has no Jaeger or
// VictoriaLogs query types, so those two are small builders of the query models the Grafana data
// sources read (Grafana's Jaeger data source, the victoriametrics-logs-datasource plugin).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as promql from '@grafana/grafana-foundation-sdk/prometheus';
import { jaeger, prometheus, victoriaLogs } from './datasources.ts';

export interface PromOptions {
  legend?: string;
  /** Ask for exemplars too: Grafana draws them as points that link to the trace. */
  exemplar?: boolean;
  /** One value per series at the end of the range (stat, table, bar panels). */
  instant?: boolean;
  /** `heatmap` turns histogram buckets into a heatmap, `table` keeps labels as columns. */
  format?: 'time_series' | 'heatmap' | 'table';
}

/** The refId of a panel's nth query (from 0): A, B, C… */
export const refIdOf = (index: number): string => String.fromCharCode(65 + index);

export function prom(refId: string, expr: string, options: PromOptions = {}): cog.Builder<cog.Dataquery> {
  const query = new promql.DataqueryBuilder()
    .datasource(prometheus)
    .refId(refId)
    .expr(expr)
    .legendFormat(options.legend ?? '__auto');
  if (options.exemplar) query.exemplar(true);
  if (options.instant) query.instant();
  else query.range();
  if (options.format) query.format(options.format as promql.PromQueryFormat);
  return query;
}

/** A query model the SDK has no type for: plain fields, marked as a data query for the panel builders. */
class PluginQuery implements cog.Builder<cog.Dataquery> {
  constructor(private readonly model: Record<string, unknown>) {}
  build(): cog.Dataquery {
    return { ...this.model, _implementsDataqueryVariant: () => {} } as cog.Dataquery;
  }
}

export type LogsQueryType = 'instant' | 'stats' | 'statsRange' | 'hits';

/**
 * A LogsQL query. `instant` lists log lines (/select/logsql/query), `statsRange` is a time series
 * of a `stats` pipe (/select/logsql/stats_query_range), `stats` one value per group.
 */
export function logsql(refId: string, expr: string, queryType: LogsQueryType, legend?: string): cog.Builder<cog.Dataquery> {
  return new PluginQuery({
    refId,
    datasource: victoriaLogs,
    editorMode: 'code',
    expr,
    queryType,
    ...(legend ? { legendFormat: legend } : {}),
    ...(queryType === 'instant' ? { maxLines: 100 } : {}),
  });
}

export interface JaegerSearch {
  service: string;
  operation?: string;
  /** logfmt, as Grafana's Jaeger query editor writes it: `error=true http.route="/api/checkout"`. */
  tags?: string;
  minDuration?: string;
  limit?: number;
}

/** Grafana's Jaeger data source: a trace search (a table of traces, each a link to the trace). */
export function jaegerSearch(refId: string, search: JaegerSearch): cog.Builder<cog.Dataquery> {
  return new PluginQuery({ refId, datasource: jaeger, queryType: 'search', ...search });
}

/** Grafana's Jaeger data source: Jaeger's service dependencies as a node graph. */
export function jaegerDependencies(refId: string): cog.Builder<cog.Dataquery> {
  return new PluginQuery({ refId, datasource: jaeger, queryType: 'dependencyGraph' });
}
