import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess } from './prometheus.ts';

/**
 * Where the stack keeps its Loki build: `LOKI_BIN`, else the stack's cache folder for the
 * version pinned in stack/versions.json. Undefined when Loki has not been built yet.
 */
export function lokiBinary(): string | undefined {
  if (process.env.LOKI_BIN) return existsSync(process.env.LOKI_BIN) ? process.env.LOKI_BIN : undefined;
  try {
    const versions = JSON.parse(readFileSync(new URL('../../../stack/versions.json', import.meta.url), 'utf8')) as { loki?: { version?: string } };
    const cache = process.env.SHOPSCOPE_CACHE_DIR ?? join(homedir(), '.cache', 'shopscope');
    const bin = join(cache, 'bin', `loki-${versions.loki?.version}`, 'loki');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

export interface RunningLoki { url: string; push(service: string, lines: Array<Record<string, unknown>>): Promise<void>; stop(): Promise<void> }

/** A real Loki of the test's own: single binary, free ports on 127.0.0.1, a temporary data folder. */
export async function startLoki(bin: string): Promise<RunningLoki> {
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-alerts-loki-'));
  const [http, grpc, memberlist] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'loki.yaml'), `auth_enabled: false
server: { http_listen_address: 127.0.0.1, http_listen_port: ${http}, grpc_listen_address: 127.0.0.1, grpc_listen_port: ${grpc}, log_level: warn }
common:
  instance_addr: 127.0.0.1
  path_prefix: ${dir}
  storage: { filesystem: { chunks_directory: ${dir}/chunks, rules_directory: ${dir}/rules } }
  replication_factor: 1
  ring: { kvstore: { store: inmemory } }
ingester: { lifecycler: { min_ready_duration: 1s } }
memberlist: { bind_addr: [127.0.0.1], bind_port: ${memberlist} }
limits_config: { allow_structured_metadata: true, reject_old_samples: false }
schema_config:
  configs: [{ from: 2024-01-01, store: tsdb, object_store: filesystem, schema: v13, index: { prefix: index_, period: 24h } }]
pattern_ingester: { enabled: false }
analytics: { reporting_enabled: false }
`);
  let output = '';
  const child: ChildProcess = spawn(bin, [`-config.file=${join(dir, 'loki.yaml')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => { output = (output + String(d)).slice(-20_000); });
  child.stderr?.on('data', (d) => { output = (output + String(d)).slice(-20_000); });
  const url = `http://127.0.0.1:${http}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`loki exited: ${output.slice(-2000)}`);
    try { if ((await fetch(`${url}/ready`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`loki not ready in 90s: ${output.slice(-2000)}`); }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    async push(service, lines) {
      const now = BigInt(Date.now()) * 1_000_000n;
      const values = lines.map((l, i) => [String(now + BigInt(i)), JSON.stringify(l)]);
      const response = await fetch(`${url}/loki/api/v1/push`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ streams: [{ stream: { service_name: service }, values }] }),
      });
      if (!response.ok) throw new Error(`loki push: HTTP ${response.status} ${await response.text()}`);
    },
    async stop() {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
