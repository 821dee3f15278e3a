// The build: cached binaries come back in seconds, they are the pinned versions, and a missing
// Go toolchain or an unreachable module proxy is one clear line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryPath, buildAll } from '../src/build/build-all.ts';
import { repoRoot } from '../src/settings.ts';
import { loadVersions } from '../src/versions.ts';

const quiet = (): void => {};
const scratch = mkdtempSync(join(tmpdir(), 'shopscope-build-test-'));

function runBuildCli(env: NodeJS.ProcessEnv, ...components: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'stack/src/build.ts'), ...components], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('stack build', () => {
  beforeAll(async () => {
    await buildAll({ log: quiet }); // the first build on a machine takes up to ~30 minutes
  }, 45 * 60_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('finds every component in the cache on the second call, within seconds', async () => {
    const lines: string[] = [];
    const started = performance.now();
    const results = await buildAll({ log: (line) => lines.push(line) });
    expect((performance.now() - started) / 1000).toBeLessThan(20);
    expect(results.map((r) => [r.component, r.cached])).toEqual([
      ['collector', true],
      ['jaeger', true],
      ['victorialogs', true],
      ['prometheus', true],
      ['kafka', true],
    ]);
    expect(lines).toHaveLength(5);
  });

  it('built the pinned versions', () => {
    const versions = loadVersions();
    const versionOf = (component: Parameters<typeof binaryPath>[0], ...args: string[]): string => {
      const result = spawnSync(binaryPath(component), args, { encoding: 'utf8' });
      return `${result.stdout}${result.stderr}`;
    };
    expect(versionOf('collector', '--version')).toContain(versions.collector.version.slice(1));
    expect(versionOf('victorialogs', '-version')).toContain(`victoria-logs-${versions.victorialogs.version}`);
    expect(versionOf('jaeger', 'version')).toContain(`"gitVersion":"${versions.jaeger.version}"`);
    expect(versionOf('prometheus', '--version')).toContain(`version ${versions.prometheus.version}.`);
    const promtool = spawnSync(binaryPath('prometheus', 'promtool'), ['--version'], { encoding: 'utf8' });
    expect(`${promtool.stdout}${promtool.stderr}`).toContain(`promtool, version ${versions.prometheus.version}.`);
    // The broker's jars and the machine's Java 17+ behind the cache's `java` link
    expect(existsSync(join(dirname(binaryPath('kafka')), 'libs', `kafka_2.13-${versions.kafka.version}.jar`))).toBe(true);
    expect(versionOf('kafka', '-version')).toMatch(/version "(1[7-9]|[2-9]\d)/);
  });

  it('says in one line that Go is missing', () => {
    const result = runBuildCli({ ...process.env, PATH: '/usr/bin:/bin', SHOPSCOPE_CACHE_DIR: join(scratch, 'no-go') }, 'victorialogs');
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^shopscope: Go 1\.\d+ or newer is needed .*\[SHOPSCOPE_ERR_GO_MISSING\]$/m);
  });

  it('says in one line that the module proxy cannot be reached', () => {
    const result = runBuildCli(
      {
        ...process.env,
        SHOPSCOPE_CACHE_DIR: join(scratch, 'offline'),
        GOPROXY: 'http://127.0.0.1:9',
        GOMODCACHE: join(scratch, 'modcache'),
      },
      'victorialogs',
    );
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/could not fetch a module: .*connection refused.*\[SHOPSCOPE_ERR_REGISTRY_UNREACHABLE\]$/m);
  });
});
