// A server of a test's own that is ready once its TCP port accepts connections (MariaDB, Redis):
// backend-process.ts starts it with a TCP probe instead of an HTTP readiness URL.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { startBackend, type BackendProcess } from './backend-process.ts';

/** The binary's path, or a clear error naming the install step when it is missing (never a silent skip). */
export function requireCommand(name: string, installedBy: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') throw new Error(`${name} is not installed: ${installedBy}`);
  return path;
}

/** Starts `bin` and resolves once 127.0.0.1:`port` accepts a connection; an exit or the deadline rejects with its output. */
export function startTcpBackend(
  name: string,
  bin: string,
  args: readonly string[],
  port: number,
  timeoutMs = 30_000,
): Promise<BackendProcess> {
  return startBackend(name, bin, args, () => accepts(port), timeoutMs);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
