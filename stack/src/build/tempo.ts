// Tempo, built from a copy of its module source: its go.mod has replace directives, which
// `go install` refuses. The pinned commit has no checksum-database entry, so the module's zip is
// checked against the sum pinned in versions.json instead.
import { join } from 'node:path';
import type { Versions } from '../versions.ts';
import { copyModuleSource } from './source-copy.ts';
import { downloadModule, goEnvironment, runLogged } from './go.ts';
import { digest, type BuildRecipe } from './recipe.ts';

export function tempoRecipe(versions: Versions): BuildRecipe {
  const pins = versions.tempo;
  return {
    component: 'tempo',
    title: `Tempo ${pins.version}`,
    version: pins.version,
    estimate: '~4 min',
    binaries: ['tempo'],
    needsGo: true,
    inputs: digest(JSON.stringify(pins)),
    async build({ binDir, workDir, logFile }) {
      const run = { cwd: workDir, logFile, component: 'tempo' };
      const source = await downloadModule(pins.module, pins.moduleVersion, pins.moduleSum, { ...run, skipChecksumDatabase: true });
      const copy = join(workDir, 'src');
      copyModuleSource(source.dir, copy, 'tempo');
      const ldflags = `-s -w -X main.Version=${pins.version}`;
      await runLogged('go', ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', join(binDir, 'tempo'), pins.package], { ...run, cwd: copy, env: goEnvironment() });
    },
  };
}
