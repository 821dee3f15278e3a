import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopChild } from '@shopscope/testkit';

// Starts a fixture app in its own node process under the agent, as a user would, and collects
// its stdout lines (JSON log lines parsed) and stderr.

export const AGENT_DIR = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Runs the agent from its TypeScript source (no build needed) through tsx. */
export const SOURCE_FLAGS = ['--conditions=@shopscope/source', '--import', 'tsx', '--import', '@shopscope/agent/register'];

export interface AppProcess {
  child: ChildProcess;
  port: number;
  lines: Array<Record<string, unknown>>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startApp(
  script: string,
  env: Record<string, string>,
  flags: string[] = SOURCE_FLAGS,
  readyTimeoutMs = 30_000,
): Promise<AppProcess> {
  const child = spawn(process.execPath, [...flags, script], {
    cwd: AGENT_DIR,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SHOPSCOPE_SHUTDOWN_TIMEOUT_MS: '1000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  let port = 0;
  let onReady: (() => void) | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (typeof parsed.listening === 'number') {
          port = parsed.listening;
          onReady?.();
        } else lines.push(parsed);
      } catch {
        // non-JSON output is kept in stdout()
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  await Promise.race([
    new Promise<void>((resolve) => {
      onReady = resolve;
      if (port) resolve();
    }),
    exited.then(({ code }) => {
      throw new Error(`app exited (${code}) before listening:\n${err}\n${out}`);
    }),
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`app not listening after ${readyTimeoutMs} ms:\n${err}`)), readyTimeoutMs),
    ),
  ]);
  return {
    child,
    port,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      // Another signal first (SIGKILL to clean up, SIGINT as a terminal would); SIGTERM, then
      // SIGKILL after the grace period, either way.
      if (signal !== 'SIGTERM' && child.exitCode === null && child.signalCode === null) child.kill(signal);
      await stopChild(child);
      return exited;
    },
  };
}
