// @shopscope/dashboards: the boards, their data sources, and running a board's queries on the
// live back ends. This file only re-exports.
export { allBoards, boardFactories, boardJson } from './catalog.ts';
export { generate, grafanaDir } from './generate.ts';
export { uids } from './uids.ts';
export { dataSources, prometheus, jaeger, victoriaLogs } from './datasources.ts';
export { runBoard, emptyUnless, type BoardModel, type PanelModel, type PanelOutcome } from './live/run-board.ts';
export { panelTable } from './live/panel-table.ts';
export { toChartPanel } from './preview/to-chart.ts';
