// `npm run dashboards:preview`: draws each board from live queries to dashboards/previews/<uid>.png
// and writes the table of every panel's queries and rows beside them. It reads the stack on the
// usual ports when one runs with the shop's metrics; otherwise (or with `--own-stack`) it starts
// a stack and a shop of its own (moved ports), drives traffic with the faults the panels need,
// and stops them after.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderBoardSvg, svgToPng, type BoardPanel } from '@shopscope/charts';
import { loadSettings, type Ports } from '@shopscope/stack';
import { allBoards } from '../catalog.ts';
import { browseStorefront } from '../live/browser.ts';
import { startLiveEnvironment } from '../live/environment.ts';
import { panelTable } from '../live/panel-table.ts';
import { runBoard, type BoardModel, type PanelOutcome } from '../live/run-board.ts';
import type { TimeRange } from '../live/time-range.ts';
import { driveTraffic, shop } from '../live/traffic.ts';
import { toChartPanel } from './to-chart.ts';

export const previewsDir = fileURLToPath(new URL('../../previews', import.meta.url));

/** A stack on the usual ports that has scraped the shop: the demo (`npm start`) is running. */
async function usualStackRuns(ports: Ports): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${ports.prometheus}/api/v1/query?query=${encodeURIComponent('sum(up{job="shop"})')}`, {
      signal: AbortSignal.timeout(2_000),
    });
    const body = (await response.json()) as { data?: { result?: { value: [number, string] }[] } };
    return Number(body.data?.result?.[0]?.value[1] ?? 0) > 0;
  } catch {
    return false;
  }
}

export function drawBoard(board: BoardModel, outcomes: PanelOutcome[], range: TimeRange): Buffer {
  const panels: BoardPanel[] = outcomes.map((outcome) => ({ panel: toChartPanel(outcome, range), gridPos: outcome.panel.gridPos }));
  return svgToPng(renderBoardSvg(board.title, panels, { width: 1600 }));
}

export async function writePreviews(ports: Ports, range: TimeRange, dir = previewsDir): Promise<PanelOutcome[]> {
  mkdirSync(dir, { recursive: true });
  const all: PanelOutcome[] = [];
  for (const board of allBoards() as unknown as BoardModel[]) {
    const outcomes = await runBoard(board, ports, range);
    writeFileSync(join(dir, `${board.uid}.png`), drawBoard(board, outcomes, range));
    all.push(...outcomes);
  }
  writeFileSync(
    join(dir, 'panels.md'),
    `# What each panel's queries returned\n\nWritten by \`npm run dashboards:preview\` with the pictures.\n\n${panelTable(all)}`,
  );
  return all;
}

async function main(): Promise<void> {
  const usual = loadSettings().ports;
  const ownStack = process.argv.includes('--own-stack');
  if (!ownStack && (await usualStackRuns(usual))) {
    console.log('reading the stack on the usual ports (the last 15 minutes)');
    const now = Date.now();
    const outcomes = await writePreviews(usual, { fromMs: now - 15 * 60_000, toMs: now });
    console.log(panelTable(outcomes));
    return;
  }
  console.log(
    `${ownStack ? '--own-stack' : 'no stack with the shop on the usual ports (`npm start` runs one)'}: starting a stack and a shop of our own on moved ports`,
  );
  const live = await startLiveEnvironment('dashboards-preview');
  try {
    const fromMs = Date.now() - 5_000;
    await driveTraffic(live, 12, 6_000);
    // span metrics flush and scrapes run every 5 s, the SLO recordings every 30 s: light steady
    // shopping meanwhile, so the graphs do not end in a silence
    const until = Date.now() + 35_000;
    for (let n = 0; Date.now() < until; n++) {
      await shop(
        live,
        n % 2 ? 'express' : 'control',
        n % 5 === 4 ? '4000000000000002' : '4242424242424242',
        `preview-steady-${n}-${Date.now()}`,
      );
      await new Promise((done) => setTimeout(done, 500));
    }
    // a browser on the storefront, for the Frontend board (skipped with a line when there is no Chromium)
    await browseStorefront(live.gateway).catch((err: unknown) =>
      console.log(`no browser visit, the Frontend board stays empty: ${err instanceof Error ? err.message : String(err)}`),
    );
    const outcomes = await writePreviews(live.ports, { fromMs, toMs: Date.now() });
    console.log(panelTable(outcomes));
  } finally {
    await live.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`dashboards:preview failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
