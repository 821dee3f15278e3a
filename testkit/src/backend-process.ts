// What the launchers of a test's own back ends share: the stack's built binary, and a process
// started and waited on until its readiness URL answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { binaryPath, isReady, type BuildComponent } from '@shopscope/stack';

/** The stack's binary for `component`, or undefined while `npm run stack:build` has not made it. */
export function builtBinary(component: BuildComponent): string | undefined {
  const bin = binaryPath(component);
  return isReady([component]) && existsSync(bin) ? bin : undefined;
}

export interface BackendProcess {
  readonly child: ChildProcess;
  /** The last 20,000 characters the process printed. */
  output(): string;
}

/**
 * Starts `bin` and resolves once `ready` holds: a URL answering 2xx, or a probe resolving true
 * (a TCP server: see tcp-backend.ts); an exit or the deadline rejects with its output.
 */
export async function startBackend(
  name: string,
  bin: string,
  args: readonly string[],
  ready: string | (() => Promise<boolean>),
  timeoutMs = 30_000,
): Promise<BackendProcess> {
  const probe = typeof ready === 'string' ? () => httpReady(ready) : ready;
  let output = '';
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: unknown) => {
    output = (output + String(chunk)).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited: ${output.slice(-2000)}`);
    if (await probe()) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready in ${timeoutMs / 1000}s: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output };
}

async function httpReady(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false; // not listening yet
  }
}
