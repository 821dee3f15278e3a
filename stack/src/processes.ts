// Starting, finding and stopping the back-end processes. Each runs detached in its own process
// group, so it outlives the command that started it and `down` can end it with everything it
// spawned. A process is ours when its command line names our data folder: a pid file alone
// could point at an unrelated process after a reboot reused the pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface StackProcess {
  readonly pid: number;
  readonly argv: readonly string[];
}

function readArgv(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((part) => part.length > 0);
  } catch {
    return undefined;
  }
}

/** A `Name:   123 kB` line of a /proc file, in bytes; undefined once the process is gone. */
function procKilobytes(file: string, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** The process's resident memory (VmRSS). */
export function residentBytes(pid: number): number | undefined {
  return procKilobytes(`/proc/${pid}/status`, 'VmRSS');
}

/**
 * The process's proportional share of memory (Pss): pages shared with other processes (the
 * node binary's code, shared libraries) counted in proportion, so a sum over processes is what
 * they take together.
 */
export function proportionalBytes(pid: number): number | undefined {
  return procKilobytes(`/proc/${pid}/smaps_rollup`, 'Pss');
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

function mentions(argv: readonly string[], dataDir: string): boolean {
  const marker = `${dataDir}/`;
  return argv.some((arg) => arg.includes(marker));
}

/**
 * Every live process started from `binaryName` whose command line points into `dataDir`.
 * Finds processes whose pid file was lost as well.
 */
export function findProcesses(binaryName: string, dataDir: string): StackProcess[] {
  const found: StackProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = readArgv(pid);
    if (!argv || argv.length === 0 || basename(argv[0] ?? '') !== binaryName) continue;
    if (mentions(argv, dataDir) && isAlive(pid)) found.push({ pid, argv });
  }
  return found;
}

export function readPidFile(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Begins the line written to a component's log before each start. */
export const START_MARKER = '=== shopscope starts ';

export interface LaunchOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly logFile: string;
  readonly pidFile: string;
}

/** Starts the process detached, output appended to its log, and records its pid. */
export function launch(options: LaunchOptions): ChildProcess {
  for (const dir of [dirname(options.logFile), dirname(options.pidFile), options.cwd]) mkdirSync(dir, { recursive: true });
  const fd = openSync(options.logFile, 'a');
  writeSync(fd, `\n${START_MARKER}${new Date().toISOString()}: ${options.command} ${options.args.join(' ')}\n`);
  try {
    const child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    child.unref();
    if (child.pid !== undefined) writeFileSync(options.pidFile, `${child.pid}\n`);
    return child;
  } finally {
    closeSync(fd);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(-pid, name); // the whole process group
  } catch {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  }
}

async function waitForExit(pids: readonly number[], deadline: number): Promise<number[]> {
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 100));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** SIGTERM, then SIGKILL for whatever is still alive after `timeoutMs`. Returns the killed ones. */
export async function terminate(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const stubborn = await waitForExit(pids, Date.now() + timeoutMs);
  for (const pid of stubborn) signal(pid, 'SIGKILL');
  await waitForExit(stubborn, Date.now() + 5_000);
  return stubborn;
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}
