// The pieces that turn Grafana's query models into back-end requests and answers into pictures.
import { describe, expect, it } from 'vitest';
import { logfmtToJson, type Target } from '../src/live/run-query.ts';
import { emptyUnless, type PanelOutcome } from '../src/live/run-board.ts';
import { macrosFor, substituteMacros } from '../src/live/time-range.ts';
import { substituteVariables } from '../src/live/variables.ts';
import { legendName, toChartPanel } from '../src/preview/to-chart.ts';

const outcome = (type: string, queries: PanelOutcome['queries']): PanelOutcome => ({
  board: { uid: 'b', title: 'B', panels: [] },
  panel: { type, title: 'P', gridPos: { x: 0, y: 0, w: 12, h: 8 } },
  queries,
});
const target = (refId: string, extra: Partial<Target> = {}): Target => ({ refId, datasource: { type: 'prometheus', uid: 'p' }, ...extra });

describe('macros and variables', () => {
  it("compute Grafana's $__interval, $__rate_interval and $__range for a time range", () => {
    const macros = macrosFor({ fromMs: 0, toMs: 3_600_000 });
    expect(macros).toEqual({ stepSeconds: 30, rangeSeconds: 3600, rateIntervalSeconds: 35 });
    expect(substituteMacros('rate(x[$__rate_interval]) / ${__range_s} [$__range] $__interval', macros)).toBe(
      'rate(x[35s]) / 3600 [3600s] 30s',
    );
    expect(macrosFor({ fromMs: 0, toMs: 60_000 }).rateIntervalSeconds).toBe(20);
  });

  it('substitute $name, ${name} and [[name]], and leave $1 and unknown names alone', () => {
    expect(substituteVariables('a=~"$service" b="${route}" c="[[env]]" "$1" $other', { service: '(a|b)', route: '/x', env: 'demo' })).toBe(
      'a=~"(a|b)" b="/x" c="demo" "$1" $other',
    );
  });

  it("turn the Jaeger editor's logfmt tags into Jaeger's JSON", () => {
    expect(JSON.parse(logfmtToJson('error=true http.route="/api/checkout"'))).toEqual({ error: 'true', 'http.route': '/api/checkout' });
  });

  it('read the "empty unless" condition of a description', () => {
    expect(
      emptyUnless({
        type: 't',
        title: 't',
        gridPos: { x: 0, y: 0, w: 1, h: 1 },
        description: 'Failures per minute. Empty unless a payment fails.',
      }),
    ).toBe('a payment fails');
    expect(
      emptyUnless({ type: 't', title: 't', gridPos: { x: 0, y: 0, w: 1, h: 1 }, description: 'Requests per second.' }),
    ).toBeUndefined();
  });
});

describe('answers to pictures', () => {
  it('names series by legendFormat, or by their labels', () => {
    const series = { labels: { __name__: 'up', job: 'shop', service: 'cart' }, points: [] };
    expect(legendName(series, '{{service}} ({{job}})')).toBe('cart (shop)');
    expect(legendName(series, '__auto')).toBe('up{job="shop", service="cart"}');
  });

  it('de-cumulates histogram buckets into heatmap cells, +Inf last', () => {
    const bucket = (le: string, counts: number[]) => ({ labels: { le }, points: counts.map((v, i) => [i * 1000, v] as [number, number]) });
    const panel = toChartPanel(
      outcome('heatmap', [
        {
          target: target('A'),
          query: '',
          rows: 3,
          answer: { kind: 'series', exemplars: 0, series: [bucket('+Inf', [10, 12]), bucket('0.1', [4, 5]), bucket('0.5', [9, 11])] },
        },
      ]),
    );
    expect(panel).toMatchObject({ kind: 'heatmap', buckets: ['≤ 0.1s', '≤ 0.5s', '+Inf'], timesMs: [0, 1000] });
    expect(panel.kind === 'heatmap' && panel.cells).toEqual([
      [0, 0, 4],
      [0, 1, 5],
      [0, 2, 1],
      [1, 0, 5],
      [1, 1, 6],
      [1, 2, 1],
    ]);
  });

  it('draws service-graph edges with calls, failed share and p95, a failing edge marked', () => {
    const edge = (client: string, server: string, value: number) => ({
      labels: { client, server },
      points: [[0, value]] as [number, number][],
    });
    const panel = toChartPanel(
      outcome('nodeGraph', [
        {
          target: target('A'),
          query: '',
          rows: 2,
          answer: { kind: 'series', exemplars: 0, series: [edge('gateway', 'orders', 40), edge('orders', 'payments', 20)] },
        },
        {
          target: target('B'),
          query: '',
          rows: 2,
          answer: { kind: 'series', exemplars: 0, series: [edge('gateway', 'orders', 0), edge('orders', 'payments', 0.25)] },
        },
        {
          target: target('C'),
          query: '',
          rows: 2,
          answer: { kind: 'series', exemplars: 0, series: [edge('gateway', 'orders', 0.12), edge('orders', 'payments', 0.03)] },
        },
      ]),
    );
    expect(panel).toMatchObject({
      kind: 'nodegraph',
      nodes: [{ id: 'gateway' }, { id: 'orders' }, { id: 'payments' }],
      edges: [
        { source: 'gateway', target: 'orders', failing: false, label: '40 calls, p95 120 ms' },
        { source: 'orders', target: 'payments', failing: true, label: '20 calls, 25% failed, p95 30 ms' },
      ],
    });
  });

  it('lists traces of a Jaeger search slowest first', () => {
    const trace = (traceId: string, durationMs: number) => ({
      traceId,
      root: 'POST /api/checkout',
      service: 'gateway',
      durationMs,
      startMs: 0,
      error: false,
    });
    const panel = toChartPanel(
      outcome('table', [
        {
          target: target('A'),
          query: '',
          rows: 2,
          answer: { kind: 'traces', traces: [trace('a'.repeat(32), 5), trace('b'.repeat(32), 50)] },
        },
      ]),
    );
    expect(panel.kind === 'table' && panel.rows.map((r) => r[3])).toEqual([50, 5]);
  });
});
