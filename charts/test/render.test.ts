// The renderer draws every kind of panel from data, says "No data" when there is none, escapes
// text, places panels on the board's grid, and lets the process exit (every chart disposed).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderBoardSvg, renderPanelSvg, svgToPng, type Panel, type TimeSeriesPanel } from '@shopscope/charts';

const now = Date.UTC(2026, 0, 1, 12);
const points = (n: number) => Array.from({ length: n }, (_, i) => [now + i * 15_000, i % 7] as [number, number]);
const size = { width: 600, height: 240 };

const samples: Panel[] = [
  {
    kind: 'timeseries',
    title: 'Rate',
    unit: 'reqps',
    series: [
      { name: 'gateway', points: points(40) },
      { name: 'orders', points: points(20) },
    ],
    markers: [{ atMs: now + 60_000, label: 'fault on' }],
  },
  {
    kind: 'bar',
    title: 'Conversion by variant',
    unit: 'percentunit',
    categories: ['control', 'one-page'],
    series: [{ name: 'conversion', values: [0.31, 0.36] }],
  },
  { kind: 'stat', title: 'p95', unit: 's', value: 0.042 },
  {
    kind: 'table',
    title: 'Slowest traces',
    columns: ['trace', 'duration'],
    rows: [
      ['4bf92f3577b34da6', '812 ms'],
      ['00f067aa0ba902b7', '640 ms'],
    ],
  },
  {
    kind: 'nodegraph',
    title: 'Service map',
    nodes: [{ id: 'gateway', detail: '4 req/s' }],
    edges: [
      { source: 'gateway', target: 'orders' },
      { source: 'orders', target: 'payments', failing: true },
    ],
  },
  {
    kind: 'heatmap',
    title: 'Latency',
    timesMs: [now, now + 60_000],
    buckets: ['≤ 5 ms', '≤ 25 ms'],
    cells: [
      [0, 0, 3],
      [1, 1, 9],
    ],
  },
  { kind: 'logs', title: 'Errors', lines: [{ timeMs: now, level: 'error', text: 'payment declined' }] },
];

const expectedPoints: Record<Panel['kind'], number> = { timeseries: 60, bar: 2, stat: 1, table: 2, nodegraph: 2, heatmap: 2, logs: 1 };

describe('renderPanelSvg', () => {
  it.each(samples.map((panel) => [panel.kind, panel] as const))('draws a %s panel from its data', (kind, panel) => {
    const svg = renderPanelSvg(panel, size);
    expect(svg.startsWith(`<svg data-kind="${kind}" data-points="${expectedPoints[kind]}"`)).toBe(true);
    expect(svg).toContain(panel.title);
    expect(svg).not.toContain('No data');
    const png = svgToPng(svg);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(1_000);
  });

  it.each([
    { kind: 'timeseries', title: 'Empty', series: [{ name: 'gateway', points: [[now, null]] }] },
    { kind: 'table', title: 'Empty', columns: ['a'], rows: [] },
    { kind: 'stat', title: 'Empty', value: null },
    { kind: 'nodegraph', title: 'Empty', nodes: [], edges: [] },
  ] as Panel[])('says "No data" for an empty $kind panel', (panel) => {
    const svg = renderPanelSvg(panel, size);
    expect(svg).toContain('data-points="0"');
    expect(svg).toContain('No data');
  });

  it('escapes markup in titles, cells and log lines', () => {
    const svg = renderPanelSvg({ kind: 'table', title: '<b>&', columns: ['"x"'], rows: [['</svg><script>']] }, size);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;b&gt;&amp;');
    expect(() => svgToPng(svg)).not.toThrow();
  });

  it('draws time-series lines through the samples it was given', () => {
    const svg = renderPanelSvg({ kind: 'timeseries', title: 'One line', series: [{ name: 'a', points: points(30) }] }, size);
    const line = svg.match(/<path d="M[^"]+"[^>]*fill="none"/g) ?? [];
    expect(line.length).toBeGreaterThan(0);
    expect(line.some((path) => (path.match(/L/g) ?? []).length >= 29)).toBe(true);
  });

  it('spans the time axis over the given range, not over days, when the data has one timestamp', () => {
    const onePoint: TimeSeriesPanel = { kind: 'timeseries', title: 'One sample', series: [{ name: 'a', points: [[now, 1]] }] };
    // the axis' hh:mm labels, as minutes of the day (local time: only their gaps are compared)
    const gaps = (svg: string) => {
      const minutes = [...svg.matchAll(/>(\d\d):(\d\d)</g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      return minutes.slice(1).map((m, i) => (m - minutes[i]! + 1440) % 1440);
    };
    const ranged = gaps(renderPanelSvg({ ...onePoint, range: { fromMs: now - 15 * 60_000, toMs: now } }, size));
    expect(ranged.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...ranged)).toBeLessThanOrEqual(5);
    expect(Math.max(...gaps(renderPanelSvg(onePoint, size)))).toBeGreaterThanOrEqual(60);
  });
});

describe('renderBoardSvg', () => {
  it('places each panel on the 24-column grid, one nested drawing each', () => {
    const svg = renderBoardSvg(
      'Board <1>',
      [
        { panel: samples[0]!, gridPos: { x: 0, y: 0, w: 12, h: 8 } },
        { panel: samples[2]!, gridPos: { x: 12, y: 0, w: 12, h: 8 } },
        { panel: samples[3]!, gridPos: { x: 0, y: 8, w: 24, h: 6 } },
      ],
      { width: 1206 },
    );
    expect(svg).toContain('Board &lt;1&gt;');
    expect(svg.match(/<svg [^>]*data-kind=/g)).toHaveLength(3);
    // 44 pixels of header + 14 rows of 30 pixels + the bottom gap.
    expect(svg).toMatch(/^<svg [^>]*height="470"/);
    expect(svg).toContain('<svg x="606.0" y="44" data-kind="stat" data-points="1"');
    const png = svgToPng(svg);
    expect(png.readUInt32BE(16)).toBe(1206);
  });
});

describe('the process', () => {
  it('exits by itself after drawing (every chart is disposed)', () => {
    const script = `import { renderPanelSvg } from '@shopscope/charts';
      renderPanelSvg({ kind: 'timeseries', title: 't', series: [{ name: 'a', points: [[1, 1], [2, 2]] }] }, { width: 300, height: 200 });
      renderPanelSvg({ kind: 'nodegraph', title: 'n', nodes: [], edges: [{ source: 'a', target: 'b' }] }, { width: 300, height: 200 });`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(result.error, 'the process did not exit within 20 s').toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
  });
});
