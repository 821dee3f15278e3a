// A panel as an ECharts option. Animation is off (a server-side render is one frame) and every
// position is fixed, so the same data always gives the same picture.
import type { BarPanel, HeatmapPanel, NodeGraphPanel, TimeSeriesPanel } from './panels.ts';
import { layerNodes } from './layered-layout.ts';
import { theme } from './theme.ts';
import { formatValue } from './units.ts';

type Option = Record<string, unknown>;

const axisStyle = {
  axisLine: { lineStyle: { color: theme.grid } },
  axisLabel: { color: theme.muted, fontSize: 11 },
  splitLine: { lineStyle: { color: theme.grid } },
};

function base(title: string): Option {
  return {
    animation: false,
    backgroundColor: theme.panel,
    color: theme.palette,
    textStyle: { fontFamily: theme.fontFamily, color: theme.text },
    title: {
      text: title,
      left: 8,
      top: 6,
      textStyle: { color: theme.text, fontSize: 13, fontWeight: 'normal', fontFamily: theme.fontFamily },
    },
  };
}

function noData(): Option {
  return {
    graphic: [
      {
        type: 'text',
        left: 'center',
        top: 'middle',
        style: { text: 'No data', fill: theme.muted, fontSize: 14, fontFamily: theme.fontFamily },
      },
    ],
  };
}

export function timeSeriesOption(panel: TimeSeriesPanel): Option {
  const withPoints = panel.series.filter((s) => s.points.some(([, v]) => v !== null));
  const legend = withPoints.length > 1 && withPoints.length <= 12;
  return {
    ...base(panel.title),
    ...(withPoints.length ? {} : noData()),
    grid: { left: 64, right: 16, top: 36, bottom: legend ? 48 : 28 },
    // one line of legend, paged: a wrapped legend would run over the time axis' labels
    legend: legend
      ? {
          data: withPoints.map((s) => s.name),
          bottom: 4,
          left: 8,
          right: 8,
          textStyle: { color: theme.muted, fontSize: 10 },
          itemHeight: 6,
          type: 'scroll',
        }
      : undefined,
    xAxis: {
      type: 'time',
      ...axisStyle,
      splitLine: { show: false },
      ...(panel.range ? { min: panel.range.fromMs, max: panel.range.toMs } : {}),
    },
    yAxis: { type: 'value', ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatValue(v, panel.unit) } },
    series: [
      ...withPoints.map((series) => ({
        type: 'line',
        name: series.name,
        data: series.points,
        showSymbol: series.points.length < 3,
        lineStyle: { width: 1.5 },
        connectNulls: false,
      })),
      ...(panel.markers?.length
        ? [
            {
              type: 'line',
              name: 'markers',
              data: [],
              markLine: {
                symbol: 'none',
                silent: true,
                lineStyle: { color: theme.muted, type: 'dashed' },
                label: { color: theme.text, fontSize: 10, formatter: '{b}', position: 'insideEndTop' },
                data: panel.markers.map((m) => ({ name: m.label, xAxis: m.atMs })),
              },
            },
          ]
        : []),
    ],
  };
}

export function barOption(panel: BarPanel): Option {
  const empty = panel.categories.length === 0 || panel.series.every((s) => s.values.length === 0);
  return {
    ...base(panel.title),
    ...(empty ? noData() : {}),
    grid: { left: 64, right: 16, top: 36, bottom: panel.series.length > 1 ? 48 : 28, containLabel: true },
    legend: panel.series.length > 1 ? { bottom: 4, textStyle: { color: theme.muted, fontSize: 10 } } : undefined,
    xAxis: {
      type: 'category',
      data: panel.categories,
      ...axisStyle,
      axisLabel: { ...axisStyle.axisLabel, interval: 0, rotate: panel.categories.length > 6 ? 30 : 0 },
    },
    yAxis: { type: 'value', ...axisStyle, axisLabel: { ...axisStyle.axisLabel, formatter: (v: number) => formatValue(v, panel.unit) } },
    series: panel.series.map((series) => ({ type: 'bar', name: series.name, data: series.values })),
  };
}

export function heatmapOption(panel: HeatmapPanel): Option {
  const max = Math.max(1, ...panel.cells.map(([, , count]) => count));
  const times = panel.timesMs.map((ms) => new Date(ms).toISOString().slice(11, 16));
  return {
    ...base(panel.title),
    ...(panel.cells.length ? {} : noData()),
    grid: { left: 64, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: times, ...axisStyle, splitArea: { show: false } },
    yAxis: { type: 'category', data: panel.buckets, ...axisStyle },
    visualMap: { min: 0, max, show: false, inRange: { color: ['#1f2329', '#3d71d9', '#f2cc0c', '#f2495c'] } },
    series: [{ type: 'heatmap', data: panel.cells }],
  };
}

export function nodeGraphOption(panel: NodeGraphPanel, width: number, height: number): Option {
  const ids = [...new Set([...panel.nodes.map((n) => n.id), ...panel.edges.flatMap((e) => [e.source, e.target])])];
  const detail = new Map(panel.nodes.map((n) => [n.id, n.detail]));
  const placed = layerNodes(ids, panel.edges, width - 160, height - 90);
  return {
    ...base(panel.title),
    ...(ids.length ? {} : noData()),
    series: [
      {
        type: 'graph',
        layout: 'none',
        left: 80,
        right: 80,
        top: 60,
        bottom: 50,
        symbolSize: 36,
        // The view scales x and y apart to fill the panel; symbols keep their size and shape.
        nodeScaleRatio: 0,
        roam: false,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 8,
        label: {
          show: true,
          position: 'bottom',
          color: theme.text,
          fontSize: 11,
          formatter: (p: { name: string }) => (detail.get(p.name) ? `${p.name}\n${detail.get(p.name)}` : p.name),
        },
        itemStyle: { color: theme.panel, borderColor: theme.palette[0], borderWidth: 2 },
        data: placed.map((p) => ({ name: p.id, x: p.x, y: p.y })),
        links: panel.edges.map((e) => ({
          source: e.source,
          target: e.target,
          lineStyle: { color: e.failing ? theme.error : theme.muted, width: e.failing ? 2 : 1.2, curveness: 0.05 },
          label: { show: Boolean(e.label), formatter: e.label ?? '', color: theme.muted, fontSize: 9 },
        })),
      },
    ],
  };
}
