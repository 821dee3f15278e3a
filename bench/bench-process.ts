// What the agent benchmarks share: a server process whose stdout is drained by a process of its
// own, its CPU time from /proc, and the median of the rounds.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('./agent-fixtures/', import.meta.url));
export const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The modes the agent benchmarks compare: no instrumentation, OpenTelemetry auto-instrumentation, the agent. */
export type ModeName = 'none' | 'otel-auto' | 'agent';
export const MODES: readonly ModeName[] = ['none', 'otel-auto', 'agent'];

export interface Running {
  child: ChildProcess;
  port: number;
}

export async function startProcess(args: string[], env: Record<string, string>): Promise<Running> {
  // The server's stdout goes to a drain process of its own, as to a log shipper: it passes the
  // {"listening":port} line on and discards the rest. Read here instead, the agent's log lines
  // would cost the load generator (this process) CPU and delay its measurements.
  const drain = spawn('sh', ['-c', `sed -un '/"listening":/{p;q}'; exec cat >/dev/null`], { stdio: ['pipe', 'pipe', 'inherit'] });
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', drain.stdin, 'inherit'],
  });
  drain.stdin.destroy(); // the server holds the pipe now; the drain ends when the server does
  return new Promise((resolve, reject) => {
    let buffer = '';
    drain.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /\{"listening":(\d+)\}/.exec(buffer);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

/**
 * User + system CPU in microseconds: of the whole process (all its threads), or of its main
 * thread only (`/proc/<pid>/task/<pid>`), the one JavaScript runs on. A saturated server is
 * limited by its main thread, so the main-thread ratio is what the req/s ratio tends to.
 */
export function cpuMicros(pid: number, mainThread = false): number {
  const path = mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`;
  const fields = readFileSync(path, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
