// A real Prometheus of a test's own, found through the stack's build lookup.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { binaryPath, isReady } from '@shopscope/stack';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The stack's Prometheus (Debian's package, linked into the stack's cache by its build). */
export function prometheusBinary(): string | undefined {
  const bin = binaryPath('prometheus');
  return isReady(['prometheus']) && existsSync(bin) ? bin : undefined;
}

export function prometheusInstalled(): boolean {
  const bin = prometheusBinary();
  return bin !== undefined && spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0;
}

export interface RunningPrometheus { url: string; stop(): Promise<void>; logs(): string }

/**
 * A real Prometheus of the test's own: free port on 127.0.0.1, a fresh data folder (removed on stop), scraping
 * the given targets every second, exemplar storage on. Never the shared one on 9090.
 */
export async function startPrometheus(targets: string[], scrapeInterval = '1s'): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-alerts-prom-'));
  const port = await freePort();
  writeFileSync(join(dir, 'prometheus.yml'), [
    'global:', `  scrape_interval: ${scrapeInterval}`, `  evaluation_interval: ${scrapeInterval}`,
    'scrape_configs:', '  - job_name: test', '    static_configs:', `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`, '',
  ].join('\n'));
  let output = '';
  const bin = prometheusBinary();
  if (!bin) throw new Error('Prometheus is not installed for the stack: run `npm run stack:build -- prometheus`');
  const child: ChildProcess = spawn(bin, [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--enable-feature=exemplar-storage', '--log.level=warn',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => { output += String(d); });
  child.stderr?.on('data', (d) => { output += String(d); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${output.slice(-2000)}`);
    try { if ((await fetch(`${url}/-/ready`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`prometheus not ready in 30s: ${output.slice(-2000)}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    logs: () => output,
    async stop() {
      await stopChild(child, 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
