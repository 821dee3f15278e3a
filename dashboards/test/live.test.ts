// With a stack and the shop running and traffic through them (both A/B variants, approved and
// declined cards, a provider error, a spell of forced payment failures), every panel's queries,
// variables expanded to real values, return data from the live back ends. Panels whose
// description says "empty unless …" are checked with that fault on.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { status, up } from '@shopscope/stack';
import { allBoards } from '../src/catalog.ts';
import { browseStorefront } from '../src/live/browser.ts';
import { startLiveEnvironment, type LiveEnvironment } from '../src/live/environment.ts';
import { namesIn } from '../src/live/names.ts';
import { panelTable } from '../src/live/panel-table.ts';
import { emptyUnless, runBoard, type BoardModel, type PanelOutcome } from '../src/live/run-board.ts';
import { macrosFor, substituteMacros } from '../src/live/time-range.ts';
import { driveTraffic, shop } from '../src/live/traffic.ts';
import { expandVariables, substituteVariables } from '../src/live/variables.ts';

const agentBuilt = existsSync(new URL('../../agent/dist/register.js', import.meta.url));
const boards = allBoards() as unknown as BoardModel[];
const reportFile = new URL('../../.data/dashboards/panels.md', import.meta.url).pathname;

/** How each "empty unless …" condition is brought about, or why the test cannot. */
function faultFor(condition: string): 'traffic' | 'collector-down' | 'browser' | { skip: string } {
  if (/browser has loaded the storefront|a page throws/.test(condition)) return 'browser';
  if (/exporter gives up/.test(condition)) return { skip: 'needs a back end down for longer than the collector retries (120 s)' };
  if (/agent drops telemetry/.test(condition)) return 'collector-down';
  if (/a run failed/.test(condition))
    return { skip: 'a failed run needs the settlementFailing flag: the settlement-failing drill shows it' };
  // payment failures, failed requests, firing alerts and pages: the traffic of beforeAll has them
  if (/payment fails|request .*fail|alert (fires|has paged)/.test(condition)) return 'traffic';
  throw new Error(`no fault known for "empty unless ${condition}"`);
}

const hasData = (outcome: PanelOutcome) => outcome.queries.every((q) => !q.error && q.rows > 0);
const describePanel = (o: PanelOutcome) =>
  `${o.board.uid} / ${o.panel.title}: ${o.queries.map((q) => `${q.target.refId} ${q.error ?? `${q.rows} rows`}`).join('; ')}`;

describe.skipIf(!agentBuilt)('every panel against the live back ends', () => {
  let live: LiveEnvironment;
  let fromMs = 0;
  const checked = new Map<PanelOutcome['panel'], PanelOutcome>();
  const skipped = new Map<PanelOutcome, string>();

  async function runAll(): Promise<PanelOutcome[]> {
    const range = { fromMs, toMs: Date.now() };
    return (await Promise.all(boards.map((board) => runBoard(board, live.ports, range)))).flat();
  }

  beforeAll(async () => {
    live = await startLiveEnvironment('dashboards');
    fromMs = Date.now() - 5_000;
    await driveTraffic(live, 6, 4_000);
  }, 10 * 60_000);

  afterAll(async () => {
    const all = [...checked.values()];
    if (all.length) {
      const table = panelTable(all, skipped);
      console.log(table);
      mkdirSync(join(reportFile, '..'), { recursive: true });
      writeFileSync(reportFile, table);
    }
    await live?.stop();
  });

  it('every metric and label name a panel uses exists in Prometheus', async () => {
    const base = `http://127.0.0.1:${live.ports.prometheus}/api/v1`;
    const used = new Map<string, string>();
    const labelsUsed = new Map<string, string>();
    for (const board of boards) {
      for (const panel of board.panels) {
        for (const target of panel.targets ?? []) {
          if (target.datasource?.type !== 'prometheus') continue;
          const names = namesIn(substituteMacros(substituteVariables(target.expr ?? '', {}), macrosFor({ fromMs: 0, toMs: 60_000 })));
          // a panel that is empty without a fault may read a metric that exists only with it
          for (const m of names.metrics) if (!emptyUnless(panel)) used.set(m, `${board.uid} / ${panel.title}`);
          for (const l of names.labels) if (!emptyUnless(panel)) labelsUsed.set(l, `${board.uid} / ${panel.title}`);
        }
      }
    }
    // the services' metrics are scraped every 5 s, span metrics flushed every 5 s, rules every 30 s
    await vi.waitFor(
      async () => {
        const known = new Set(((await (await fetch(`${base}/label/__name__/values`)).json()) as { data: string[] }).data);
        const missing = [...used.entries()].filter(([m]) => !known.has(m)).map(([m, where]) => `${m} (${where})`);
        expect(missing).toEqual([]);
      },
      { timeout: 60_000, interval: 2_000 },
    );
    const labels = new Set(((await (await fetch(`${base}/labels`)).json()) as { data: string[] }).data);
    expect([...labelsUsed.entries()].filter(([l]) => !labels.has(l)).map(([l, where]) => `${l} (${where})`)).toEqual([]);
    expect(used.size).toBeGreaterThan(30);
  });

  it('every LogsQL query is accepted by VictoriaLogs', async () => {
    const range = { fromMs, toMs: Date.now() };
    const ask = async (query: string) =>
      (await fetch(`http://127.0.0.1:${live.ports.victoriaLogs}/select/logsql/query?${new URLSearchParams({ query, limit: '1' })}`)).status;
    let count = 0;
    for (const board of boards) {
      const variables = await expandVariables(board.templating?.list ?? [], live.ports, range);
      for (const panel of board.panels) {
        for (const target of panel.targets ?? []) {
          if (target.datasource?.type !== 'victoriametrics-logs-datasource') continue;
          const query = substituteMacros(substituteVariables(target.expr ?? '', variables), macrosFor(range));
          expect(await ask(query), `${board.uid} / ${panel.title}: ${query}`).toBe(200);
          count++;
        }
      }
    }
    expect(count).toBeGreaterThan(8);
    // and the check can fail: VictoriaLogs refuses a broken query
    expect(await ask('service.name:"x" | stats by (service.name count()')).toBe(400);
  });

  it('every panel returns data, its variables expanded to real values', { timeout: 90_000 }, async () => {
    let outcomes: PanelOutcome[] = [];
    await vi.waitFor(
      async () => {
        outcomes = (await runAll()).filter((o) => !emptyUnless(o.panel));
        expect(outcomes.filter((o) => !hasData(o)).map(describePanel)).toEqual([]);
      },
      { timeout: 60_000, interval: 3_000 },
    );
    for (const o of outcomes) checked.set(o.panel, o);
    expect(outcomes.length).toBeGreaterThan(40);
  });

  it('a panel empty without a fault shows data with the fault on', { timeout: 150_000 }, async () => {
    const outcomes = (await runAll()).filter((o) => emptyUnless(o.panel));
    const byFault = new Map<string, PanelOutcome[]>();
    for (const o of outcomes) {
      const fault = faultFor(emptyUnless(o.panel)!);
      if (typeof fault === 'object') {
        skipped.set(o, fault.skip);
        checked.set(o.panel, o);
      } else byFault.set(fault, [...(byFault.get(fault) ?? []), o]);
    }
    expect(byFault.get('traffic')?.length).toBeGreaterThan(3);
    // the declined cards, the provider error and the payment-failure spell were in the traffic
    for (const o of byFault.get('traffic') ?? []) {
      expect(hasData(o), describePanel(o)).toBe(true);
      checked.set(o.panel, o);
    }
    // a real browser loads the storefront page and an error is thrown on it: web vitals and the
    // error reach VictoriaLogs through the page's own telemetry
    await browseStorefront(live.gateway);
    await vi.waitFor(
      async () => {
        const again = (await runAll()).filter((o) =>
          byFault.get('browser')?.some((p) => p.panel.title === o.panel.title && p.board.uid === o.board.uid),
        );
        expect(again.length).toBeGreaterThan(0);
        for (const o of again) {
          expect(hasData(o), describePanel(o)).toBe(true);
          checked.set(o.panel, o);
        }
      },
      { timeout: 45_000, interval: 3_000 },
    );
    // the collector killed: the agent cannot export and counts what it drops
    const collector = (await status({ env: live.env })).find((s) => s.component === 'collector')!;
    process.kill(collector.pid!, 'SIGKILL');
    try {
      const shopping = (async () => {
        for (let i = 0; i < 40 && !(await droppedSeen()); i++) await shop(live, 'control', '4242424242424242', `drop-${i}-${Date.now()}`);
      })();
      await vi.waitFor(
        async () => {
          const again = (await runAll()).filter((o) =>
            byFault.get('collector-down')?.some((p) => p.panel.title === o.panel.title && p.board.uid === o.board.uid),
          );
          for (const o of again) {
            expect(hasData(o), describePanel(o)).toBe(true);
            checked.set(o.panel, o);
          }
        },
        { timeout: 60_000, interval: 3_000 },
      );
      await shopping;
    } finally {
      await up({ env: live.env, components: ['collector'], log: () => {} });
    }

    async function droppedSeen(): Promise<boolean> {
      const response = await fetch(
        `http://127.0.0.1:${live.ports.prometheus}/api/v1/query?query=${encodeURIComponent('sum(shopscope_telemetry_dropped_total)')}`,
      );
      return ((await response.json()) as { data: { result: unknown[] } }).data.result.length > 0;
    }
  });
});
