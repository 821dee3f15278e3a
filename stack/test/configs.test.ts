// The shipped configs, checked by the programs' own validators.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryPath, buildAll } from '../src/build/build-all.ts';
import { COMPONENTS } from '../src/components/index.ts';
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
    const result = spawnSync(binaryPath('collector'), ['validate', `--config=${join(repoRoot, 'collector-config', 'config.yaml')}`], {
      encoding: 'utf8',
    });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
  });

  it('the production profile adds tail sampling in front of the trace store, and validates', () => {
    const config = (file: string) => `--config=${join(repoRoot, 'collector-config', file)}`;
    const result = spawnSync(binaryPath('collector'), ['validate', config('config.yaml'), config('sampling.prod.yaml')], {
      encoding: 'utf8',
    });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const launch = COMPONENTS.collector.prepare(loadSettings({ SHOPSCOPE_PROFILE: 'prod' }), scratch, 'otelcol');
    expect(launch.args.map((arg) => arg.split('/').pop())).toEqual(['config.yaml', 'sampling.prod.yaml']);
    expect(COMPONENTS.collector.prepare(loadSettings({}), scratch, 'otelcol').args.map((arg) => arg.split('/').pop())).toEqual([
      'config.yaml',
    ]);
  });

  it('the jaeger config renders with every placeholder filled and no port of the collector', () => {
    const rendered = readFileSync(renderConfigFile('jaeger.yaml', 'jaeger.yaml', settings, scratch), 'utf8')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(rendered).not.toMatch(/\$\{/);
    expect(rendered).toContain('127.0.0.1:16686');
    expect(rendered).not.toMatch(/:(4317|4318|8888)\b/);
  });

  it('the collector config refuses a typo (the validation is real)', () => {
    const result = spawnSync(
      binaryPath('collector'),
      [
        'validate',
        '--config=yaml:receivers::otlp::protocols::grpc::endpointt: 127.0.0.1:1',
        `--config=${join(repoRoot, 'collector-config', 'config.yaml')}`,
      ],
      { encoding: 'utf8' },
    );
    expect(result.status).not.toBe(0);
  });
});
