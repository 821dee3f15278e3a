// What a build recipe is, and where its binaries are kept.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSettings } from '../settings.ts';
import type { Versions } from '../versions.ts';

export const BUILD_COMPONENTS = ['collector', 'jaeger', 'victorialogs', 'prometheus', 'kafka'] as const;
export type BuildComponent = (typeof BUILD_COMPONENTS)[number];

export interface BuildContext {
  readonly settings: StackSettings;
  readonly versions: Versions;
  /** Where the finished binaries go: `<cacheDir>/bin/<component>-<version>/`. */
  readonly binDir: string;
  /** Scratch space kept between builds: `<cacheDir>/work/<component>-<version>/`. */
  readonly workDir: string;
  /** The full output of every command the build runs. */
  readonly logFile: string;
}

export interface BuildRecipe {
  readonly component: BuildComponent;
  /** e.g. "VictoriaLogs v1.52.1" */
  readonly title: string;
  readonly version: string;
  /** How long a first build takes on a 2-core machine, for the progress line. */
  readonly estimate: string;
  readonly binaries: readonly string[];
  readonly needsGo: boolean;
  /** A digest of everything that shapes the binary; a change rebuilds it. */
  readonly inputs: string;
  build(context: BuildContext): Promise<void>;
}

export function digest(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
}

export function binDirOf(settings: StackSettings, component: string, version: string): string {
  return join(settings.cacheDir, 'bin', `${component}-${version}`);
}

export function workDirOf(settings: StackSettings, component: string, version: string): string {
  return join(settings.cacheDir, 'work', `${component}-${version}`);
}

const STAMP = 'build.json';

export interface BuildStamp {
  component: string;
  version: string;
  inputs: string;
  builtAt: string;
  seconds: number;
}

export function readStamp(binDir: string): BuildStamp | undefined {
  const file = join(binDir, STAMP);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BuildStamp;
  } catch {
    return undefined;
  }
}

/** Written last, so an interrupted build is never taken for a finished one. */
export function writeStamp(binDir: string, stamp: BuildStamp): void {
  writeFileSync(join(binDir, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
}

export function isBuilt(recipe: BuildRecipe, binDir: string): boolean {
  const stamp = readStamp(binDir);
  return stamp?.inputs === recipe.inputs && recipe.binaries.every((name) => existsSync(join(binDir, name)));
}

/**
 * Puts a built binary in place by copy and rename: a copy straight over the binary of a running
 * back end fails (ETXTBSY), a rename replaces it atomically and the running process keeps its own.
 */
export function installBinary(from: string, to: string): void {
  const staging = `${to}.new`;
  copyFileSync(from, staging);
  renameSync(staging, to);
}
