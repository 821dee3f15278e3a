// Panels to SVG (Apache ECharts' server-side renderer, or plain SVG text for tables), boards of
// panels to one SVG, and SVG to PNG (resvg). No browser, no DOM.
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { escapeXml } from './escape.ts';
import { barOption, heatmapOption, nodeGraphOption, timeSeriesOption } from './echarts-options.ts';
import type { BoardPanel, Panel } from './panels.ts';
import { logsSvg, statSvg, tableSvg } from './text-panels.ts';
import { theme } from './theme.ts';

export interface Size {
  width: number;
  height: number;
}

type PanelOf<K extends Panel['kind']> = Extract<Panel, { kind: K }>;

/** How many values each kind of panel draws. */
const pointCounters: { [K in Panel['kind']]: (panel: PanelOf<K>) => number } = {
  timeseries: (p) => p.series.reduce((sum, s) => sum + s.points.filter(([, v]) => v !== null).length, 0),
  bar: (p) => p.series.reduce((sum, s) => sum + s.values.length, 0),
  stat: (p) => (p.value === null || Number.isNaN(p.value) ? 0 : 1),
  table: (p) => p.rows.length,
  nodegraph: (p) => p.edges.length,
  heatmap: (p) => p.cells.length,
  logs: (p) => p.lines.length,
};

/** How many values a panel draws: 0 means the picture says "No data". */
export function countPoints(panel: Panel): number {
  // the map is keyed by kind, so the counter found takes this very kind of panel
  return (pointCounters[panel.kind] as (panel: Panel) => number)(panel);
}

function echartsSvg(option: Record<string, unknown>, size: Size): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    // A chart left undisposed keeps a timer alive and the process never exits.
    chart.dispose();
  }
}

function drawPanel(panel: Panel, size: Size): string {
  switch (panel.kind) {
    case 'timeseries':
      return echartsSvg(timeSeriesOption(panel), size);
    case 'bar':
      return echartsSvg(barOption(panel), size);
    case 'heatmap':
      return echartsSvg(heatmapOption(panel), size);
    case 'nodegraph':
      return echartsSvg(nodeGraphOption(panel, size.width, size.height), size);
    case 'stat':
      return statSvg(panel, size);
    case 'table':
      return tableSvg(panel, size);
    case 'logs':
      return logsSvg(panel, size);
  }
}

/**
 * One panel as a standalone SVG document. The root element carries `data-kind` and
 * `data-points` (how many values were drawn), so a page embedding it can be checked for data.
 */
export function renderPanelSvg(panel: Panel, size: Size): string {
  const svg = drawPanel(panel, size).replace(/^<\?xml[^>]*>\s*/, '');
  return svg.replace(/^<svg\b/, `<svg data-kind="${panel.kind}" data-points="${countPoints(panel)}"`);
}

const GRID_COLUMNS = 24;
const GRID_ROW_PIXELS = 30;
const GAP = 6;
const HEADER = 44;

/** A dashboard as one SVG: its panels placed on Grafana's grid (24 columns, 30-pixel rows). */
export function renderBoardSvg(title: string, panels: BoardPanel[], options: { width?: number } = {}): string {
  const width = options.width ?? 1600;
  const column = (width - GAP) / GRID_COLUMNS;
  const bottom = Math.max(0, ...panels.map((p) => p.gridPos.y + p.gridPos.h));
  const height = HEADER + bottom * GRID_ROW_PIXELS + GAP;
  const placed = panels.map(({ panel, gridPos }) => {
    const x = GAP + gridPos.x * column;
    const y = HEADER + gridPos.y * GRID_ROW_PIXELS;
    const size = { width: Math.max(40, Math.round(gridPos.w * column - GAP)), height: Math.max(40, gridPos.h * GRID_ROW_PIXELS - GAP) };
    // A nested <svg> is its own viewport: the panel's drawing cannot spill onto its neighbours.
    const inner = renderPanelSvg(panel, size).replace(/^<svg\b/, `<svg x="${x.toFixed(1)}" y="${y}"`);
    return `<rect x="${x.toFixed(1)}" y="${y}" width="${size.width}" height="${size.height}" fill="${theme.panel}" stroke="${theme.border}"/>${inner}`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${theme.fontFamily}">`,
    `<rect width="${width}" height="${height}" fill="${theme.background}"/>`,
    `<text x="${GAP + 4}" y="28" fill="${theme.text}" font-size="18">${escapeXml(title)}</text>`,
    ...placed,
    '</svg>',
  ].join('');
}

/** An SVG document as PNG bytes, text in DejaVu Sans (or the system's sans-serif without it). */
export function svgToPng(svg: string, options: { width?: number } = {}): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: theme.fontFamily, sansSerifFamily: theme.fontFamily },
    fitTo: options.width ? { mode: 'width', value: options.width } : { mode: 'original' },
    background: theme.background,
  });
  return resvg.render().asPng();
}
