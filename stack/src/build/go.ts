// Runs the Go toolchain for the builds: finds it, runs commands with their output in a build
// log, and turns the usual failures (no Go, proxy unreachable) into one clear line.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { StackError } from '../errors.ts';
import { readTail } from '../log-tail.ts';

/** Environment shared by every Go command: module mode and no VCS stamping. */
export function goEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', GOTOOLCHAIN: 'local', ...extra };
}

function versionAtLeast(found: string, minimum: string): boolean {
  const [fMajor = 0, fMinor = 0] = found.split('.').map(Number);
  const [mMajor = 0, mMinor = 0] = minimum.split('.').map(Number);
  return fMajor > mMajor || (fMajor === mMajor && fMinor >= mMinor);
}

/** Checks that `go` exists and is recent enough; returns its version (e.g. "1.26.8"). */
export function requireGo(minimum: string): string {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', env: goEnvironment() });
  if (result.error || result.status !== 0) {
    throw new StackError(
      'SHOPSCOPE_ERR_GO_MISSING',
      `Go ${minimum} or newer is needed to build the back ends and \`go\` was not found on PATH (install it from https://go.dev/dl or your package manager)`,
    );
  }
  const version = result.stdout.trim().replace(/^go/, '');
  if (!versionAtLeast(version, minimum)) {
    throw new StackError('SHOPSCOPE_ERR_GO_MISSING', `Go ${minimum} or newer is needed to build the back ends; found go${version}`);
  }
  return version;
}

const UNREACHABLE = [
  /dial tcp/i,
  /no such host/i,
  /connection refused/i,
  /i\/o timeout/i,
  /TLS handshake timeout/i,
  /40[34] (Forbidden|Not Found)/i,
  /410 Gone/i,
  /unrecognized import path/i,
  /Could not resolve host/i,
  // Maven, for the Kafka broker's jars
  /Could not transfer artifact/i,
  /Unknown host/i,
];

/** The first line of the output that says the proxy could not be reached, if any. */
export function unreachableLine(output: string): string | undefined {
  return output
    .split('\n')
    .find((line) => UNREACHABLE.some((pattern) => pattern.test(line)))
    ?.trim();
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Appends the command's output here. */
  logFile: string;
  /** Names the component in errors. */
  component: string;
}

/** Runs a command to completion; a failure carries the tail of the build log. */
export async function runLogged(command: string, args: string[], options: RunOptions): Promise<string> {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`\n$ ${command} ${args.join(' ')}  (in ${options.cwd})\n`);
  let output = '';
  const exitCode = await new Promise<number>((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? goEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer): void => {
      log.write(chunk);
      output += chunk.toString('utf8');
      if (output.length > 4_000_000) output = output.slice(-2_000_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => resolvePromise(code ?? 1));
  });
  await new Promise<void>((resolvePromise) => log.end(resolvePromise));
  if (exitCode === 0) return output;
  const unreachable = unreachableLine(output);
  if (unreachable) {
    throw new StackError(
      'SHOPSCOPE_ERR_REGISTRY_UNREACHABLE',
      `${options.component}: could not fetch a module: ${unreachable} (full log: ${options.logFile})`,
      { component: options.component },
    );
  }
  throw new StackError(
    'SHOPSCOPE_ERR_BUILD_FAILED',
    `${options.component}: \`${command} ${args.join(' ')}\` exited with ${exitCode} (full log: ${options.logFile})`,
    {
      component: options.component,
      logTail: readTail(options.logFile, 30),
    },
  );
}

/**
 * `go install <module>@<version>` of one command into `gobin`, outside any module (so without
 * the `-mod=mod` a module build would take), without VCS stamping.
 */
export async function goInstall(target: string, options: Omit<RunOptions, 'env'> & { gobin: string; flags?: string[] }): Promise<void> {
  const { gobin, flags = [], ...run } = options;
  await runLogged('go', ['install', ...flags, target], { ...run, env: goEnvironment({ GOBIN: gobin, GOFLAGS: '-buildvcs=false' }) });
}
