// The demo's own processes (`npm start` itself, the shop's services, the alert evaluator), so
// `status` can show the memory of the whole demo beside the back ends'. `npm start` records
// their pids in <dataDir>/run/demo.json; anything they started is listed under them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isAlive, proportionalBytes, residentBytes } from './processes.ts';
import type { StackSettings } from './settings.ts';

export interface DemoProcess {
  /** e.g. `shop`, `shop/gateway`, `alerts` */
  readonly name: string;
  readonly pid: number;
  readonly rssBytes: number | undefined;
  readonly pssBytes: number | undefined;
}

export function demoPidFile(settings: StackSettings): string {
  return join(settings.dataDir, 'run', 'demo.json');
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function lastArgument(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return basename(argv.at(-1) ?? String(pid));
  } catch {
    return String(pid);
  }
}

/** Every live recorded process and its descendants; empty when no demo runs. */
export function demoProcesses(settings: StackSettings): DemoProcess[] {
  const file = demoPidFile(settings);
  if (!existsSync(file)) return [];
  let recorded: { name: string; pid: number }[];
  try {
    recorded = (JSON.parse(readFileSync(file, 'utf8')) as { name: string; pid: number }[]).filter(
      (p) => Number.isInteger(p.pid) && isAlive(p.pid),
    );
  } catch {
    return [];
  }
  if (recorded.length === 0) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = parentOf(Number(entry));
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const out: DemoProcess[] = [];
  const named = new Set(recorded.map((p) => p.pid));
  // A recorded process's children are listed under it unless recorded themselves (no double count).
  const visit = (pid: number, name: string): void => {
    out.push({ name, pid, rssBytes: residentBytes(pid), pssBytes: proportionalBytes(pid) });
    for (const child of children.get(pid) ?? []) if (!named.has(child)) visit(child, `${name.split('/')[0]}/${lastArgument(child)}`);
  };
  for (const { name, pid } of recorded) visit(pid, name);
  return out;
}
