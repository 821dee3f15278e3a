// up / down / status / logs for the local back ends: Prometheus, VictoriaLogs, Jaeger, the collector and Kafka.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { binaryPath, isReady } from './build/build-all.ts';
import { componentsNamed, type ComponentSpec, type StackComponent } from './components/index.ts';
import { StackError } from './errors.ts';
import { isHealthy, waitHealthy } from './health.ts';
import { readTail } from './log-tail.ts';
import {
  findProcesses,
  isAlive,
  launch,
  proportionalBytes,
  readPidFile,
  removePidFile,
  residentBytes,
  START_MARKER,
  terminate,
} from './processes.ts';
import { loadSettings, logDir, type Environment, type StackSettings } from './settings.ts';

export { STACK_COMPONENTS, type StackComponent } from './components/index.ts';

export interface SupervisorOptions {
  /** Default: all five (prometheus, victorialogs, jaeger, collector, kafka; Kafka not with SHOPSCOPE_STACK_KAFKA=off), started side by side. */
  readonly components?: readonly StackComponent[];
  /** Default: process.env. Ports, data folder and timeouts are read from it (see README). */
  readonly env?: Environment;
  /** Receives one line per step; default prints to stdout. Pass `() => {}` for silence. */
  readonly log?: (line: string) => void;
}

export type ComponentState = 'running' | 'unhealthy' | 'stopped';

export interface ComponentStatus {
  readonly component: StackComponent;
  readonly state: ComponentState;
  readonly pid: number | undefined;
  /** Resident memory of the process, when it runs. */
  readonly rssBytes: number | undefined;
  /** Its proportional share (shared pages divided among the processes that map them). */
  readonly pssBytes: number | undefined;
  readonly url: string;
  readonly ports: Readonly<Record<string, number>>;
  readonly logFile: string;
}

const LOG_TAIL_LINES = 25;

function paths(settings: StackSettings, spec: ComponentSpec): { dataDir: string; logFile: string; pidFile: string } {
  return {
    dataDir: join(settings.dataDir, spec.name),
    logFile: join(logDir(settings), `${spec.name}.log`),
    pidFile: join(settings.dataDir, 'run', `${spec.name}.pid`),
  };
}

function defaultLog(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The component's live processes: the pid file's, plus any whose pid file was lost. */
function livePids(settings: StackSettings, spec: ComponentSpec): number[] {
  const binary = basename(binaryPath(spec.build, undefined, settings));
  const found = findProcesses(binary, settings.dataDir).map((p) => p.pid);
  const recorded = readPidFile(paths(settings, spec).pidFile);
  if (recorded !== undefined && found.includes(recorded)) return [recorded, ...found.filter((pid) => pid !== recorded)];
  return found;
}

async function statusOf(settings: StackSettings, spec: ComponentSpec): Promise<ComponentStatus> {
  const pids = livePids(settings, spec);
  const pid = pids[0];
  const state: ComponentState = pid === undefined ? 'stopped' : (await isHealthy(spec.health(settings))) ? 'running' : 'unhealthy';
  return {
    component: spec.name,
    state,
    pid,
    rssBytes: pid === undefined ? undefined : residentBytes(pid),
    pssBytes: pid === undefined ? undefined : proportionalBytes(pid),
    url: spec.url(settings),
    ports: spec.ports(settings),
    logFile: paths(settings, spec).logFile,
  };
}

export async function status(options: SupervisorOptions = {}): Promise<ComponentStatus[]> {
  const settings = loadSettings(options.env ?? process.env);
  return Promise.all(componentsNamed(options.components, settings.kafka).map((spec) => statusOf(settings, spec)));
}

/** The end of the log, from this start on: earlier runs' lines would only mislead. */
function tailOfThisRun(logFile: string): string {
  const lines = readTail(logFile, 400).split('\n');
  let start = lines.length - 1;
  while (start >= 0 && !(lines[start] ?? '').startsWith(START_MARKER)) start -= 1;
  return lines
    .slice(start + 1)
    .slice(-LOG_TAIL_LINES)
    .join('\n');
}

function failure(spec: ComponentSpec, logFile: string, why: string): StackError {
  return new StackError('SHOPSCOPE_ERR_START_FAILED', `${spec.name} ${why} (log: ${logFile})`, {
    component: spec.name,
    logTail: tailOfThisRun(logFile),
  });
}

async function startOne(
  settings: StackSettings,
  spec: ComponentSpec,
  env: Environment,
  log: (line: string) => void,
): Promise<ComponentStatus> {
  const { dataDir, logFile, pidFile } = paths(settings, spec);
  const deadline = Date.now() + settings.startTimeoutMs;
  const running = livePids(settings, spec)[0];
  if (running !== undefined) {
    if (await waitHealthy(spec.health(settings), deadline, () => !isAlive(running))) {
      log(`shopscope: ${spec.name} already running (pid ${running}) at ${spec.url(settings)}`);
      return statusOf(settings, spec);
    }
    throw failure(spec, logFile, `is running (pid ${running}) but did not become healthy within ${settings.startTimeoutMs / 1000}s`);
  }
  const binary = binaryPath(spec.build, undefined, settings);
  const plan = spec.prepare(settings, dataDir, binary);
  const started = performance.now();
  log(`shopscope: starting ${spec.name} at ${spec.url(settings)} ...`);
  // The caller's environment, not necessarily this process's: the collector's config reads its
  // tuning variables (sampling, flush interval, ...) from it.
  const child = launch({ command: plan.command, args: plan.args, env: { ...env, ...plan.env }, cwd: dataDir, logFile, pidFile });
  let exited: string | undefined;
  child.once('exit', (code, sig) => {
    exited = sig ? `was killed by ${sig}` : `exited with code ${code}`;
  });
  child.once('error', (err) => {
    exited = `could not be started: ${err.message}`;
  });
  const healthy = await waitHealthy(spec.health(settings), deadline, () => exited !== undefined);
  if (!healthy) {
    if (exited === undefined && child.pid !== undefined) await terminate([child.pid], settings.stopTimeoutMs);
    removePidFile(pidFile);
    throw failure(
      spec,
      logFile,
      exited ? `${exited} while starting` : `did not become healthy within ${settings.startTimeoutMs / 1000}s and was stopped`,
    );
  }
  log(`shopscope: ${spec.name} ready in ${((performance.now() - started) / 1000).toFixed(1)}s (pid ${child.pid})`);
  return statusOf(settings, spec);
}

/**
 * Starts the named components (default: all) and waits until each is healthy. Components that
 * already run healthy are left alone. Rejects with a StackError naming every component that
 * failed, with the tail of its log.
 */
export async function up(options: SupervisorOptions = {}): Promise<ComponentStatus[]> {
  const env = options.env ?? process.env;
  const settings = loadSettings(env);
  const log = options.log ?? defaultLog;
  const specs = componentsNamed(options.components, settings.kafka);
  const unbuilt = specs.filter((spec) => !isReady([spec.build], settings) || !existsSync(binaryPath(spec.build, undefined, settings)));
  if (unbuilt.length > 0) {
    throw new StackError(
      'SHOPSCOPE_ERR_NOT_BUILT',
      `${unbuilt.map((spec) => spec.name).join(', ')} not built yet: run \`npm run stack:build\``,
    );
  }
  const outcomes = await Promise.allSettled(specs.map((spec) => startOne(settings, spec, env, log)));
  const failed = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1) {
    const errors = failed.map((err) => (err instanceof StackError ? err : new StackError('SHOPSCOPE_ERR_START_FAILED', String(err))));
    throw new StackError('SHOPSCOPE_ERR_START_FAILED', errors.map((err) => err.message).join('; '), {
      component: errors
        .map((err) => err.component)
        .filter(Boolean)
        .join(','),
      logTail: errors.map((err) => `[${err.component}]\n${err.logTail ?? ''}`).join('\n'),
    });
  }
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<ComponentStatus>).value);
}

export interface StopResult {
  readonly component: StackComponent;
  readonly stopped: readonly number[];
  /** Pids that ignored SIGTERM until the deadline and were killed. */
  readonly killed: readonly number[];
}

async function stopOne(settings: StackSettings, spec: ComponentSpec, log: (line: string) => void): Promise<StopResult> {
  const pids = livePids(settings, spec);
  const killed = pids.length > 0 ? await terminate(pids, settings.stopTimeoutMs) : [];
  removePidFile(paths(settings, spec).pidFile);
  if (pids.length > 0)
    log(
      `shopscope: stopped ${spec.name} (pid ${pids.join(', ')}${killed.length > 0 ? `; killed ${killed.join(', ')} after ${settings.stopTimeoutMs / 1000}s` : ''})`,
    );
  return { component: spec.name, stopped: pids, killed };
}

/**
 * Stops the named components (default: all, Kafka too whatever the settings say): SIGTERM to each process group, SIGKILL after the
 * stop deadline. The collector goes first so it can flush to the others.
 */
export async function down(options: SupervisorOptions = {}): Promise<StopResult[]> {
  const settings = loadSettings(options.env ?? process.env);
  const log = options.log ?? defaultLog;
  const specs = componentsNamed(options.components);
  const first = specs.filter((spec) => spec.name === 'collector');
  const rest = specs.filter((spec) => spec.name !== 'collector');
  const results = await Promise.all(first.map((spec) => stopOne(settings, spec, log)));
  results.push(...(await Promise.all(rest.map((spec) => stopOne(settings, spec, log)))));
  return results;
}

/** The last `lines` lines of each named component's log (default: all components). */
export function logs(
  options: SupervisorOptions & { readonly lines?: number } = {},
): { component: StackComponent; logFile: string; tail: string }[] {
  const settings = loadSettings(options.env ?? process.env);
  return componentsNamed(options.components).map((spec) => {
    const { logFile } = paths(settings, spec);
    return { component: spec.name, logFile, tail: readTail(logFile, options.lines ?? 50) };
  });
}
