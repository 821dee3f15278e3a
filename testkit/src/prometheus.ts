// A real Prometheus of a test's own, found through the stack's build lookup.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { builtBinary, startBackend } from './backend-process.ts';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The stack's Prometheus (Debian's package, linked into the stack's cache by its build). */
export function prometheusBinary(): string | undefined {
  return builtBinary('prometheus');
}

export function prometheusInstalled(): boolean {
  const bin = prometheusBinary();
  return bin !== undefined && spawnSync(bin, ['--version'], { encoding: 'utf8' }).status === 0;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
  /** The last 20,000 characters it printed. */ logs(): string;
}

/**
 * A real Prometheus of the test's own: free port on 127.0.0.1, a fresh data folder (removed on stop), scraping
 * the given targets every second, exemplar storage on. Never the shared one on 9090.
 */
export async function startPrometheus(targets: string[], scrapeInterval = '1s'): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-alerts-prom-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${scrapeInterval}`,
      `  evaluation_interval: ${scrapeInterval}`,
      'scrape_configs:',
      '  - job_name: test',
      '    static_configs:',
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const bin = prometheusBinary();
  if (!bin) throw new Error('Prometheus is not installed for the stack: run `npm run stack:build -- prometheus`');
  const url = `http://127.0.0.1:${port}`;
  const { child, output } = await startBackend(
    'prometheus',
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--enable-feature=exemplar-storage',
      '--log.level=warn',
    ],
    `${url}/-/ready`,
  );
  return {
    url,
    logs: output,
    async stop() {
      await stopChild(child, 5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
