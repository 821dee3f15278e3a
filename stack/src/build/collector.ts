// The OpenTelemetry Collector, built by the collector builder from collector-config/manifest.yaml.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { StackError } from '../errors.ts';
import type { StackSettings } from '../settings.ts';
import type { Versions } from '../versions.ts';
import { goEnvironment, goInstall, runLogged } from './go.ts';
import { binDirOf, digest, installBinary, type BuildRecipe } from './recipe.ts';

export const COLLECTOR_BINARY = 'otelcol-shopscope';

export function collectorRecipe(settings: StackSettings, versions: Versions): BuildRecipe {
  const pins = versions.collector;
  const manifestPath = join(settings.repoRoot, pins.manifest);
  const manifest = readFileSync(manifestPath, 'utf8');
  return {
    component: 'collector',
    title: `OpenTelemetry Collector ${pins.version}`,
    version: pins.version,
    estimate: '~4 min',
    binaries: [COLLECTOR_BINARY],
    needsGo: true,
    inputs: digest(JSON.stringify(pins), manifest),
    async build({ binDir, workDir, logFile }) {
      const [builderModule = '', builderVersion = ''] = pins.builder.split('@');
      const builderDir = binDirOf(settings, 'builder', builderVersion);
      const builder = join(builderDir, 'builder');
      if (!existsSync(builder)) {
        mkdirSync(builderDir, { recursive: true });
        await goInstall(pins.builder, { cwd: workDir, logFile, component: 'collector', gobin: builderDir });
      }
      const document = parseDocument(manifest);
      const declared = String(document.getIn(['dist', 'version']) ?? '');
      if (`v${declared}` !== pins.version) {
        throw new StackError(
          'SHOPSCOPE_ERR_CONFIG_INVALID',
          `${pins.manifest} says dist.version ${declared} but versions.json pins the collector at ${pins.version} (${builderModule})`,
        );
      }
      const output = join(workDir, 'dist');
      document.setIn(['dist', 'output_path'], output);
      const renderedManifest = join(workDir, 'manifest.yaml');
      writeFileSync(renderedManifest, document.toString());
      await runLogged(builder, ['--config', renderedManifest], { cwd: workDir, logFile, component: 'collector', env: goEnvironment() });
      installBinary(join(output, COLLECTOR_BINARY), join(binDir, COLLECTOR_BINARY));
    },
  };
}
