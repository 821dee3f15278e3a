// The drill report: reports/<time>-<name>/index.html (timeline, times against targets, the pages
// as sent, graphs of the key series over the drill window drawn by @shopscope/charts) and
// summary.json; Artillery's JSON results lie beside them.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/** A drill's load runs write to <report>/load-NN/: the report's folder is two levels up. */
const outDirOf = (resultsFile: string): string => dirname(dirname(resultsFile));
import { renderPanelSvg, type Marker, type TimeSeriesPanel } from '@shopscope/charts';
import type { Targets } from '../settings.ts';
import { blocksToHtml, escapeHtml, mrkdwnToHtml } from './block-kit.ts';
import { rangeSeries } from './prometheus.ts';
import type { DrillResult } from './runner.ts';
import type { Drill } from './schema.ts';

export interface Graph {
  title: string;
  samples: number;
  svg: string;
  error?: string;
}

/** The graphs' series from Prometheus over the drill window, with the timeline as markers. */
export async function drawGraphs(drill: Drill, result: DrillResult, targets: Targets): Promise<Graph[]> {
  const from = result.startedAt - 60_000;
  const to = result.endedAt + 5_000;
  const shown = new Set(['fault on', 'alert pending', 'page sent', 'fault off', 'resolved']);
  const markers: Marker[] = result.timeline.filter((e) => shown.has(e.kind)).map((e) => ({ atMs: e.atMs, label: e.kind }));
  return Promise.all(
    drill.graphs.map(async (graph) => {
      let series: TimeSeriesPanel['series'] = [];
      let error: string | undefined;
      try {
        series = (await rangeSeries(targets.prometheus, graph.promql, from, to)).slice(0, 8);
      } catch (err) {
        error = (err as Error).message;
      }
      const panel: TimeSeriesPanel = {
        kind: 'timeseries',
        title: graph.title,
        ...(graph.unit ? { unit: graph.unit } : {}),
        series,
        markers,
      };
      const samples = series.reduce((sum, s) => sum + s.points.filter(([, v]) => v !== null).length, 0);
      return { title: graph.title, samples, svg: renderPanelSvg(panel, { width: 900, height: 280 }), ...(error ? { error } : {}) };
    }),
  );
}

export function summaryJson(result: DrillResult): Record<string, unknown> {
  const { load, ...rest } = result;
  return {
    ...rest,
    load: load
      ? {
          requests: load.requests,
          errors: load.errors,
          runs: load.runs.map((run) => ({
            exitCode: run.exitCode,
            resultsFile: relative(outDirOf(run.resultsFile), run.resultsFile),
            summary: run.summary,
          })),
        }
      : null,
  };
}

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const verdict = (value: number | null, max: number) =>
  value === null
    ? '<span class="bad">missed</span>'
    : value <= max
      ? `<span class="good">${value}s</span>`
      : `<span class="bad">${value}s</span>`;

export function reportHtml(result: DrillResult, graphs: Graph[]): string {
  const t = result.targets;
  const startedAt = result.startedAt;
  const rows = result.timeline
    .map(
      (e) =>
        `<tr><td>${time(e.atMs)}</td><td>+${((e.atMs - startedAt) / 1000).toFixed(1)}s</td><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.detail ?? '')}</td></tr>`,
    )
    .join('');
  const pages = result.slackMessages.length
    ? result.slackMessages
        .map(
          (m) =>
            `<article class="page"><p class="meta">${time(m.at)} ${m.method === 'chat.update' ? 'updated' : m.threadTs ? 'reply in thread' : 'posted'} to ${escapeHtml(m.channel)}</p>${blocksToHtml(m.blocks, m.text)}</article>`,
        )
        .join('')
    : result.pages
        .map(
          (p) =>
            `<article class="page"><p class="meta">${time(Date.parse(p.sentAt ?? p.createdAt))} ${escapeHtml(p.reason)} → ${escapeHtml(p.channel)} (${escapeHtml(p.status)})</p><div class="slack-message"><p>${mrkdwnToHtml(p.text ?? '')}</p></div></article>`,
        )
        .join('');
  const checks = (list: DrillResult['steadyStateBefore']) =>
    list.map((c) => `<li class="${c.ok ? 'good' : 'bad'}">${escapeHtml(c.name)}: ${escapeHtml(c.detail)}</li>`).join('');
  const figures = graphs
    .map(
      (g) =>
        `<figure class="graph" data-samples="${g.samples}"><figcaption>${escapeHtml(g.title)}${g.error ? ` — <span class="bad">${escapeHtml(g.error)}</span>` : ''}</figcaption>${g.svg}</figure>`,
    )
    .join('');
  const load = result.load;
  const runLinks = (load?.runs ?? [])
    .map(
      (run) =>
        `<a href="${escapeHtml(relative(outDirOf(run.resultsFile), run.resultsFile))}">${escapeHtml(basename(dirname(run.resultsFile)))}</a>`,
    )
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drill ${escapeHtml(result.name)}: ${result.passed ? 'passed' : 'failed'}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#1d1d1f;line-height:1.4}
h1 .good,h1 .bad{font-size:.8em}.good{color:#137333}.bad{color:#b3261e}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}
.targets td:nth-child(2),.targets td:nth-child(3){font-variant-numeric:tabular-nums}
.page{border-left:4px solid #e01e5a;background:#f8f8f8;padding:.5rem 1rem;margin:.75rem 0}.meta{color:#666;font-size:.85em;margin:0}
.slack-header{margin:.4rem 0}.slack-fields{display:grid;grid-template-columns:1fr 1fr;gap:.3rem 1rem}.slack-context{color:#666;font-size:.85em}
figure.graph{margin:1rem 0}figcaption{font-weight:600}
</style></head><body>
<h1>Drill ${escapeHtml(result.name)} <span class="${result.passed ? 'good' : 'bad'}">${result.passed ? 'passed' : 'failed'}</span></h1>
<p>${escapeHtml(result.description)}</p>
${result.failures.length ? `<ul>${result.failures.map((f) => `<li class="bad">${escapeHtml(f)}</li>`).join('')}</ul>` : ''}
<h2>Against the targets</h2>
<table class="targets"><tr><th>what</th><th>measured</th><th>target</th></tr>
<tr><td>time to detect (alert pending)</td><td>${result.timeToDetectSeconds ?? '—'}${result.timeToDetectSeconds === null ? '' : 's'}</td><td>—</td></tr>
<tr><td>time to page (${escapeHtml(t.alert)})</td><td>${verdict(result.timeToPageSeconds, t.maxTimeToPageSeconds)}</td><td>≤ ${t.maxTimeToPageSeconds}s</td></tr>
<tr><td>time to resolve after the rollback</td><td>${verdict(result.timeToResolveSeconds, t.maxTimeToResolveSeconds)}</td><td>≤ ${t.maxTimeToResolveSeconds}s</td></tr>
</table>
<h2>Timeline</h2>
<table><tr><th>time (UTC)</th><th>since start</th><th>event</th><th>detail</th></tr>${rows}</table>
<h2>Graphs</h2>${figures}
<h2>Pages as they were sent</h2>${pages || '<p>No page was sent.</p>'}
<h2>Steady state</h2><p>Before the fault:</p><ul>${checks(result.steadyStateBefore)}</ul><p>After the rollback:</p><ul>${checks(result.steadyStateAfter) || '<li>not checked</li>'}</ul>
<h2>Load</h2>${load ? `<p>${load.requests} requests, ${load.errors} errors (the fault's own failures included), in ${load.runs.length} Artillery runs of 20 s arrivals. Artillery's JSON results: ${runLinks || 'none'}.</p>` : '<p>No load.</p>'}
</body></html>
`;
}

export async function writeReport(outDir: string, drill: Drill, result: DrillResult, targets: Targets): Promise<string> {
  const graphs = await drawGraphs(drill, result, targets);
  writeFileSync(join(outDir, 'summary.json'), `${JSON.stringify(summaryJson(result), null, 2)}\n`);
  const file = join(outDir, 'index.html');
  writeFileSync(file, reportHtml(result, graphs));
  return file;
}
