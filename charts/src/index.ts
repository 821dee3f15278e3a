// @shopscope/charts: pictures of panels and boards, drawn server-side. This file only re-exports.
export { renderPanelSvg, renderBoardSvg, svgToPng, countPoints, type Size } from './render.ts';
export { formatValue } from './units.ts';
export type {
  Panel,
  BoardPanel,
  GridPos,
  TimePoint,
  TimeSeries,
  Marker,
  TimeSeriesPanel,
  BarPanel,
  StatPanel,
  TablePanel,
  NodeGraphPanel,
  HeatmapPanel,
  LogsPanel,
} from './panels.ts';
