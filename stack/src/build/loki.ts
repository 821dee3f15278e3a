// Loki, built from a copy of its module source. Its go.mod replaces
// github.com/grafana/loki/pkg/push with ./pkg/push, a nested module that module zips leave out,
// so the pkg/push module is downloaded on its own and put in that folder.
import { join } from 'node:path';
import type { Versions } from '../versions.ts';
import { copyModuleSource } from './source-copy.ts';
import { downloadModule, goEnvironment, runLogged } from './go.ts';
import { digest, type BuildRecipe } from './recipe.ts';

export function lokiRecipe(versions: Versions): BuildRecipe {
  const pins = versions.loki;
  return {
    component: 'loki',
    title: `Loki ${pins.version}`,
    version: pins.version,
    estimate: '~6 min',
    binaries: ['loki'],
    needsGo: true,
    inputs: digest(JSON.stringify(pins)),
    async build({ binDir, workDir, logFile }) {
      const run = { cwd: workDir, logFile, component: 'loki' };
      const source = await downloadModule(pins.module, pins.moduleVersion, pins.moduleSum, run);
      const push = await downloadModule(pins.pushModule, pins.pushModuleVersion, pins.pushModuleSum, run);
      const copy = join(workDir, 'src');
      copyModuleSource(source.dir, copy, 'loki');
      copyModuleSource(push.dir, join(copy, 'pkg', 'push'), 'loki');
      const ldflags = `-s -w -X github.com/grafana/loki/v3/pkg/util/build.Version=${pins.version}`;
      await runLogged('go', ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', join(binDir, 'loki'), pins.package], { ...run, cwd: copy, env: goEnvironment() });
    },
  };
}
