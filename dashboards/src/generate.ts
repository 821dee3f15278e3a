// `npm run dashboards:generate`: writes each board's JSON to dashboards/grafana/<uid>.json, the
// folder the provisioning points Grafana at. The tests regenerate and compare with these files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allBoards } from './catalog.ts';

export const grafanaDir = fileURLToPath(new URL('../grafana', import.meta.url));

export function serialise(board: Record<string, unknown>): string {
  return `${JSON.stringify(board, null, 2)}\n`;
}

export function generate(dir = grafanaDir): string[] {
  mkdirSync(dir, { recursive: true });
  return allBoards().map((board) => {
    const file = join(dir, `${String(board.uid)}.json`);
    writeFileSync(file, serialise(board));
    return file;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of generate()) console.log(`wrote ${file.slice(file.indexOf('dashboards/'))}`);
}
