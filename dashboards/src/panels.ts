// Panel builders with the house defaults: every panel names its data source and its size on the
// 24-column grid; the dashboard builder places panels left to right, row after row.
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { jaeger, prometheus, victoriaLogs } from './datasources.ts';
import { logsql, prom, refIdOf } from './queries.ts';

type Source = typeof prometheus | typeof jaeger | typeof victoriaLogs;

export interface PanelSpec {
  title: string;
  /** What the panel answers; a panel that is empty without a fault says "Empty unless …". */
  description: string;
  source: Source;
  targets: cog.Builder<cog.Dataquery>[];
  /** Width in grid columns (of 24) and height in rows (of 30 px). */
  w: number;
  h: number;
  unit?: string;
}

/** What every panel builder of the SDK takes the same way: the frame a PanelSpec describes. */
interface FramedBuilder<T> {
  title(title: string): T;
  description(description: string): T;
  datasource(source: Source): T;
  targets(targets: cog.Builder<cog.Dataquery>[]): T;
  span(width: number): T;
  height(height: number): T;
}

/** A panel builder with its title, description, data source, queries and size from the spec. */
function framed<T extends FramedBuilder<T>>(builder: T, spec: PanelSpec): T {
  return builder.title(spec.title).description(spec.description).datasource(spec.source).targets(spec.targets).span(spec.w).height(spec.h);
}

/** A panel's words and size: a PanelSpec without its data source and queries. */
export type PanelFrame = Omit<PanelSpec, 'source' | 'targets'>;

/** One line of a Prometheus time series: its PromQL and its legend. */
export type PromLine = [expr: string, legend: string];

/**
 * A Prometheus time series of one or more lines (queries A, B, C… in the order given);
 * `exemplar` asks every query for exemplars, points that open their trace.
 */
export function promTimeSeriesPanel(frame: PanelFrame & { exemplar?: boolean }, lines: PromLine[]): timeseries.PanelBuilder {
  const { exemplar, ...spec } = frame;
  return timeSeriesPanel({
    ...spec,
    source: prometheus,
    targets: lines.map(([expr, legend], i) => prom(refIdOf(i), expr, { legend, exemplar })),
  });
}

/** A LogsQL `stats` pipe over time (VictoriaLogs), one line per group, named by `legend`. */
export function logStatsTimeSeriesPanel(frame: PanelFrame, query: string, legend: string): timeseries.PanelBuilder {
  return timeSeriesPanel({ ...frame, source: victoriaLogs, targets: [logsql('A', query, 'statsRange', legend)] });
}

/** The log lines a LogsQL filter selects (VictoriaLogs), newest first. */
export function logLinesPanel(frame: PanelFrame, filter: string): logs.PanelBuilder {
  return logsPanel({ ...frame, source: victoriaLogs, targets: [logsql('A', filter, 'instant')] });
}

export function timeSeriesPanel(spec: PanelSpec): timeseries.PanelBuilder {
  return framed(new timeseries.PanelBuilder(), spec)
    .unit(spec.unit ?? 'short')
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    );
}

export function statPanel(spec: PanelSpec): stat.PanelBuilder {
  return framed(new stat.PanelBuilder(), spec)
    .unit(spec.unit ?? 'short')
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
}

export function barPanel(spec: PanelSpec): barchart.PanelBuilder {
  return (
    framed(new barchart.PanelBuilder(), spec)
      .unit(spec.unit ?? 'short')
      .orientation(common.VizOrientation.Horizontal)
      .showValue(common.VisibilityMode.Auto)
      // instant vectors come as one frame per series: join them into one row per label value
      .withTransformation({ id: 'reduce', options: { reducers: ['lastNotNull'] } })
  );
}

export function tablePanel(spec: PanelSpec): table.PanelBuilder {
  return framed(new table.PanelBuilder(), spec).unit(spec.unit ?? 'short');
}

export function heatmapPanel(spec: PanelSpec): heatmap.PanelBuilder {
  return framed(new heatmap.PanelBuilder(), spec)
    .calculate(false)
    .color(
      new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64)
        .reverse(false),
    )
    .yAxis(new heatmap.YAxisConfigBuilder().unit(spec.unit ?? 's'))
    .exemplarsColor('rgba(255,0,255,0.7)')
    .showLegend();
}

export function nodeGraphPanel(spec: PanelSpec): nodegraph.PanelBuilder {
  return framed(new nodegraph.PanelBuilder(), spec);
}

export function logsPanel(spec: PanelSpec): logs.PanelBuilder {
  return framed(new logs.PanelBuilder(), spec)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending);
}

/** A Prometheus label-values variable, `All` selected: Grafana expands All to every value as a regex. */
export function labelVariable(name: string, label: string, metric: string, labelName: string): dashboard.QueryVariableBuilder {
  const query = `label_values(${metric}, ${labelName})`;
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(prometheus)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

/**
 * Prometheus label-values variables over one metric, each narrowed by those before it (service
 * within the selected jobs, instance within the selected services): [name, label, label name].
 */
export function narrowingLabelVariables(
  metric: string,
  variables: [name: string, label: string, labelName: string][],
): dashboard.QueryVariableBuilder[] {
  return variables.map(([name, label, labelName], i) => {
    const narrowedBy = variables
      .slice(0, i)
      .map(([before, , beforeLabel]) => `${beforeLabel}=~"$${before}"`)
      .join(', ');
    return labelVariable(name, label, narrowedBy ? `${metric}{${narrowedBy}}` : metric, labelName);
  });
}

/** A link to another board of this folder, keeping the time range and the variables. */
export function boardLink(title: string, uid: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title)
    .type(dashboard.DashboardLinkType.Link)
    .url(`/d/${uid}`)
    .keepTime(true)
    .includeVars(true)
    .icon('dashboard');
}
