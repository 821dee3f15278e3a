// A real VictoriaLogs of a test's own: the stack's build (found through its binary lookup), a
// free port on 127.0.0.1 and a temporary data folder. Never the shared one on 9428.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtBinary, startBackend } from './backend-process.ts';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';

/** The built VictoriaLogs binary, or undefined when `npm run stack:build` has not built it. */
export function victoriaLogsBinary(): string | undefined {
  return builtBinary('victorialogs');
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
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${join(dir, 'data')}`,
    '-retentionPeriod=7d',
    '-loggerLevel=WARN',
    '-memory.allowedBytes=64MiB',
  ];
  const { child } = await startBackend('victoria-logs', bin, args, `${url}/health`);
  return {
    url,
    async insert(streamFields, lines) {
      const fields = Object.keys(streamFields);
      const now = Date.now();
      const body = lines.map((line, i) => JSON.stringify({ _time: new Date(now + i).toISOString(), ...streamFields, ...line })).join('\n');
      const query = new URLSearchParams({ _stream_fields: fields.join(','), _msg_field: '_msg', _time_field: '_time' });
      const response = await fetch(`${url}/insert/jsonline?${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/stream+json' },
        body,
      });
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
