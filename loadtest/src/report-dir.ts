// Each run writes to reports/<time>-<name>/ at the repository's root.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '@shopscope/stack';

export function reportDir(name: string, root = join(loadSettings({}).repoRoot, 'reports'), at = new Date()): string {
  const time = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const dir = join(root, `${time}-${name}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** One line that rewrites itself on a terminal, and a plain line elsewhere. */
export function progressLine(line: string): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
  else process.stdout.write(`${line}\n`);
}

export function endProgress(): void {
  if (process.stdout.isTTY) process.stdout.write('\n');
}
