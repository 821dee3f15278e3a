// The build library: `buildAll()` builds (or finds in the cache) every back end, one progress
// line per step; `binaryPath()` and `isReady()` answer where a binary is and whether it is built.
// The command line is stack/src/build.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { collectorRecipe } from './collector.ts';
import { requireGo } from './go.ts';
import { withBuildLock } from './lock.ts';
import { jaegerRecipe } from './jaeger.ts';
import { kafkaRecipe } from './kafka.ts';
import { prometheusRecipe } from './prometheus.ts';
import { BUILD_COMPONENTS, binDirOf, isBuilt, readStamp, workDirOf, writeStamp, type BuildComponent, type BuildRecipe } from './recipe.ts';
import { victoriaLogsRecipe } from './victorialogs.ts';
import { StackError } from '../errors.ts';
import { loadSettings, type Environment, type StackSettings } from '../settings.ts';
import { loadVersions } from '../versions.ts';

export { BUILD_COMPONENTS, type BuildComponent } from './recipe.ts';

export interface BuildOptions {
  /** Default: all of them, in the order collector, Jaeger, VictoriaLogs, Prometheus, Kafka. */
  readonly components?: readonly BuildComponent[];
  readonly env?: Environment;
  /** Receives one line per step; default prints to stdout. */
  readonly log?: (line: string) => void;
}

export interface BuildResult {
  readonly component: BuildComponent;
  readonly title: string;
  readonly version: string;
  readonly binDir: string;
  readonly cached: boolean;
  readonly seconds: number;
}

export function recipes(settings: StackSettings): Record<BuildComponent, BuildRecipe> {
  const versions = loadVersions();
  return {
    collector: collectorRecipe(settings, versions),
    jaeger: jaegerRecipe(versions),
    victorialogs: victoriaLogsRecipe(versions),
    prometheus: prometheusRecipe(versions),
    kafka: kafkaRecipe(versions),
  };
}

/** Where a built binary is, whether or not it is built yet. */
export function binaryPath(component: BuildComponent, binary?: string, settings: StackSettings = loadSettings()): string {
  const recipe = recipes(settings)[component];
  return join(binDirOf(settings, component, recipe.version), binary ?? recipe.binaries[0] ?? component);
}

/** True when every named component is built at its pinned version. */
export function isReady(components: readonly BuildComponent[] = BUILD_COMPONENTS, settings: StackSettings = loadSettings()): boolean {
  const all = recipes(settings);
  return components.every((name) => isBuilt(all[name], binDirOf(settings, name, all[name].version)));
}

/** 4.2s, or 3m07s. */
export function formatSeconds(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

export async function buildAll(options: BuildOptions = {}): Promise<BuildResult[]> {
  const settings = loadSettings(options.env ?? process.env);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const all = recipes(settings);
  const wanted = options.components ?? BUILD_COMPONENTS;
  for (const name of wanted) {
    if (!(BUILD_COMPONENTS as readonly string[]).includes(name)) {
      throw new StackError('SHOPSCOPE_ERR_UNKNOWN_COMPONENT', `unknown component "${name}" (known: ${BUILD_COMPONENTS.join(', ')})`);
    }
  }
  const pending = wanted.map((name) => all[name]);
  const cachedResult = (recipe: BuildRecipe, binDir: string): BuildResult => {
    log(`shopscope: ${recipe.title} ready (cached in ${binDir})`);
    return { component: recipe.component, title: recipe.title, version: recipe.version, binDir, cached: true, seconds: 0 };
  };
  const missing = pending.filter((recipe) => !isBuilt(recipe, binDirOf(settings, recipe.component, recipe.version)));
  if (missing.length === 0) return pending.map((recipe) => cachedResult(recipe, binDirOf(settings, recipe.component, recipe.version)));

  const buildOne = async (recipe: BuildRecipe): Promise<BuildResult> => {
    const binDir = binDirOf(settings, recipe.component, recipe.version);
    // Another process may have built it while this one waited for the lock.
    if (isBuilt(recipe, binDir)) return cachedResult(recipe, binDir);
    const workDir = workDirOf(settings, recipe.component, recipe.version);
    const logDir = join(settings.cacheDir, 'logs');
    for (const dir of [binDir, workDir, logDir]) mkdirSync(dir, { recursive: true });
    const logFile = join(logDir, `build-${recipe.component}-${recipe.version}.log`);
    const firstTime = readStamp(binDir) === undefined;
    log(
      `shopscope: ${recipe.needsGo ? 'building' : 'installing'} ${recipe.title} (${firstTime ? `first time, ${recipe.estimate}` : 'rebuild'}; log: ${logFile}) ...`,
    );
    const started = performance.now();
    await recipe.build({ settings, versions: loadVersions(), binDir, workDir, logFile });
    const seconds = (performance.now() - started) / 1000;
    writeStamp(binDir, {
      component: recipe.component,
      version: recipe.version,
      inputs: recipe.inputs,
      builtAt: new Date().toISOString(),
      seconds: Math.round(seconds),
    });
    log(`shopscope: ${recipe.title} built in ${formatSeconds(seconds)} -> ${binDir}`);
    return { component: recipe.component, title: recipe.title, version: recipe.version, binDir, cached: false, seconds };
  };

  return withBuildLock(settings, log, async () => {
    if (missing.some((recipe) => recipe.needsGo)) requireGo(loadVersions().go.minimum);
    // The builds run side by side: one's module downloads overlap another's compiling, which
    // shortens a first build on a 2-core machine. Results keep the requested order.
    const outcomes = await Promise.allSettled(pending.map((recipe) => buildOne(recipe)));
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<BuildResult>).value);
  });
}
