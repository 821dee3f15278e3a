// A real VictoriaLogs of a test's own: the stack's build (found through its binary lookup), a
// free port on 127.0.0.1 and a temporary data folder. Never the shared one on 9428.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryPath, isReady } from '@shopscope/stack';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';

/** The built VictoriaLogs binary, or undefined when `npm run stack:build` has not built it. */
export function victoriaLogsBinary(): string | undefined {
  const bin = binaryPath('victorialogs');
  return isReady(['victorialogs']) && existsSync(bin) ? bin : undefined;
}

export interface RunningVictoriaLogs {
  readonly url: string;
  /** Writes JSON lines through the jsonline API, stream fields as given; resolves once they are searchable. */
  insert(streamFields: Readonly<Record<string, string>>, lines: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  stop(): Promise<void>;
}

export async function startVictoriaLogs(bin: string | undefined = victoriaLogsBinary()): Promise<RunningVictoriaLogs> {
  if (!bin) throw new Error('VictoriaLogs is not built: run `npm run stack:build -- victorialogs`');
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-test-vlogs-'));
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(bin, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${join(dir, 'data')}`, '-retentionPeriod=7d', '-loggerLevel=WARN', '-memory.allowedBytes=64MiB'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: unknown) => {
    output = (output + String(chunk)).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`victoria-logs exited: ${output.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`victoria-logs not ready in 30s: ${output.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async insert(streamFields, lines) {
      const fields = Object.keys(streamFields);
      const now = Date.now();
      const body = lines.map((line, i) => JSON.stringify({ _time: new Date(now + i).toISOString(), ...streamFields, ...line })).join('\n');
      const query = new URLSearchParams({ _stream_fields: fields.join(','), _msg_field: '_msg', _time_field: '_time' });
      const response = await fetch(`${url}/insert/jsonline?${query}`, { method: 'POST', headers: { 'content-type': 'application/stream+json' }, body });
      if (!response.ok) throw new Error(`victoria-logs insert: HTTP ${response.status} ${await response.text()}`);
      // Inserted rows become searchable after an internal flush (about a second).
      await fetch(`${url}/internal/force_flush`).catch(() => undefined);
    },
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
