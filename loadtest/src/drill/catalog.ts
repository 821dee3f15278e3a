// The drills shipped in loadtest/drills/, by name.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DrillFileError, readDrillFile, type Drill } from './schema.ts';

export const drillsDir = fileURLToPath(new URL('../../drills/', import.meta.url));

export function drillNames(dir = drillsDir): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

/** The named drills (or all of them), every file checked before any drill runs. */
export function loadDrills(which: string, dir = drillsDir): Drill[] {
  const names = drillNames(dir);
  if (which !== 'all' && !names.includes(which)) throw new DrillFileError(`no drill "${which}": choose one of ${names.join(', ')} or all`);
  return (which === 'all' ? names : [which]).map((name) => readDrillFile(join(dir, `${name}.yml`)));
}
