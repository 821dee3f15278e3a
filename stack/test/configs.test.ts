// The shipped configs, checked by the programs' own validators.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryPath, buildAll } from '../src/build.ts';
import { renderConfigFile } from '../src/components/render.ts';
import { loadSettings, repoRoot } from '../src/settings.ts';

const scratch = mkdtempSync(join(tmpdir(), 'shopscope-configs-'));
const settings = loadSettings({});

describe('shipped configs', () => {
  beforeAll(async () => {
    await buildAll({ components: ['collector', 'prometheus'], log: () => {} });
  }, 45 * 60_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('prometheus.yml passes promtool check config', () => {
    const config = renderConfigFile('prometheus.yml', 'prometheus.yml', settings, scratch);
    const result = spawnSync(binaryPath('prometheus', 'promtool'), ['check', 'config', config], { encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('collector-config/config.yaml passes the collector validate command', () => {
    const result = spawnSync(binaryPath('collector'), ['validate', `--config=${join(repoRoot, 'collector-config', 'config.yaml')}`], { encoding: 'utf8' });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it('the collector config refuses a typo (the validation is real)', () => {
    const result = spawnSync(binaryPath('collector'), ['validate', '--config=yaml:receivers::otlp::protocols::grpc::endpointt: 127.0.0.1:1', `--config=${join(repoRoot, 'collector-config', 'config.yaml')}`], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
  });
});
