// A real Redis of a test's own: Debian's redis-server on a free port, nothing persisted.
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';
import { requireCommand, startTcpBackend } from './tcp-backend.ts';

export interface RunningRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** The last 20,000 characters it printed. */ logs(): string;
}

/** redis-server on 127.0.0.1 and a free port, no snapshots and no append-only file. Never the system's service. */
export async function startRedis(): Promise<RunningRedis> {
  const bin = requireCommand('redis-server', 'npm test installs it (Debian package redis-server)');
  const port = await freePort();
  const { child, output } = await startTcpBackend(
    'redis-server',
    bin,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp', '--loglevel', 'warning'],
    port,
  );
  return { port, url: `redis://127.0.0.1:${port}`, logs: output, stop: () => stopChild(child, 5_000) };
}
