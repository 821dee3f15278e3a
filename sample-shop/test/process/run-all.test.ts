import { describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { shopEnvironment } from '../support/shop.ts';
import { serviceNames } from '../../src/shared/config.ts';

const runAll = new URL('../../src/run-all.ts', import.meta.url).pathname;

async function answers(port: string | undefined): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

describe('npm run shop', () => {
  it('starts all six services and SIGTERM stops every one of them', async () => {
    const { env, dataDir } = await shopEnvironment();
    const child = spawn(process.execPath, ['--import', 'tsx', runAll], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await vi.waitFor(() => expect(output).toContain('shop: ready'), { timeout: 60_000, interval: 100 });
      for (const name of serviceNames) expect(await answers(env[`SHOPSCOPE_${name.toUpperCase()}_PORT`])).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      for (const name of serviceNames) expect(await answers(env[`SHOPSCOPE_${name.toUpperCase()}_PORT`])).toBe(false);
      expect(output).toContain('shop: stopped');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
