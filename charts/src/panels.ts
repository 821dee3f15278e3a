// What a picture shows: one panel of a dashboard or a report. Plain data, no ECharts types, so a
// caller never depends on the charting library behind it.

/** A sample: milliseconds since the epoch and a value; null leaves a gap. */
export type TimePoint = [timeMs: number, value: number | null];

export interface TimeSeries {
  name: string;
  points: TimePoint[];
}

/** A moment on the time axis (a fault switched on, a page sent), drawn as a labelled line. */
export interface Marker {
  atMs: number;
  label: string;
}

export interface TimeSeriesPanel {
  kind: 'timeseries';
  title: string;
  unit?: string;
  series: TimeSeries[];
  markers?: Marker[];
  /**
   * The time axis from and to (ms since the epoch), as the query's range: without it the axis
   * spans the data, and one or a few timestamps get an axis of days.
   */
  range?: { fromMs: number; toMs: number };
}

export interface BarPanel {
  kind: 'bar';
  title: string;
  unit?: string;
  categories: string[];
  series: { name: string; values: number[] }[];
}

export interface StatPanel {
  kind: 'stat';
  title: string;
  unit?: string;
  value: number | null;
}

export interface TablePanel {
  kind: 'table';
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export interface NodeGraphPanel {
  kind: 'nodegraph';
  title: string;
  nodes: { id: string; detail?: string }[];
  edges: { source: string; target: string; label?: string; failing?: boolean }[];
}

/** Counts per time bucket and value bucket, as Grafana's heatmap of a histogram. */
export interface HeatmapPanel {
  kind: 'heatmap';
  title: string;
  timesMs: number[];
  buckets: string[];
  /** [time index, bucket index, count] */
  cells: [number, number, number][];
}

export interface LogsPanel {
  kind: 'logs';
  title: string;
  lines: { timeMs: number; level: string; text: string }[];
}

export type Panel = TimeSeriesPanel | BarPanel | StatPanel | TablePanel | NodeGraphPanel | HeatmapPanel | LogsPanel;

/** Where a panel sits on a board, in Grafana's grid units: 24 columns, rows of 30 pixels. */
export interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface BoardPanel {
  panel: Panel;
  gridPos: GridPos;
}
