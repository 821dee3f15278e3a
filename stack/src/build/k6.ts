// k6, built from its release module. `go install go.k6.io/k6/v2@v2.2.0` would be the one-liner,
// but it asks the proxy for the module's version list (for deprecation notices) and the proxy
// reachable here answers 404 there, so the same module is built from a copy of its source.
import { join } from 'node:path';
import type { Versions } from '../versions.ts';
import { copyModuleSource } from './source-copy.ts';
import { downloadModule, goEnvironment, runLogged } from './go.ts';
import { digest, type BuildRecipe } from './recipe.ts';

export function k6Recipe(versions: Versions): BuildRecipe {
  const pins = versions.k6;
  return {
    component: 'k6',
    title: `k6 ${pins.version}`,
    version: pins.version,
    estimate: '~2 min',
    binaries: ['k6'],
    needsGo: true,
    inputs: digest(JSON.stringify(pins)),
    async build({ binDir, workDir, logFile }) {
      const run = { cwd: workDir, logFile, component: 'k6' };
      const source = await downloadModule(pins.module, pins.moduleVersion, undefined, run);
      const copy = join(workDir, 'src');
      copyModuleSource(source.dir, copy, 'k6');
      await runLogged('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', join(binDir, 'k6'), '.'], { ...run, cwd: copy, env: goEnvironment() });
    },
  };
}
