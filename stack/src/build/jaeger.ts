// Jaeger v2 (the module keeps v1 version numbers), built in a wrapper module: its go.mod has a
// replace directive, which `go install mod@version` refuses. The wrapper asks for the command as
// a tool dependency and repeats the replace, so the same dependency graph is built.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Versions } from '../versions.ts';
import { goEnvironment, runLogged } from './go.ts';
import { digest, installBinary, type BuildRecipe } from './recipe.ts';

// `jaeger version` reports the pinned version (the module leaves it to the release build).
const LDFLAGS = '-s -w -X github.com/jaegertracing/jaeger/internal/version.latestVersion=';

export function jaegerRecipe(versions: Versions): BuildRecipe {
  const pins = versions.jaeger;
  return {
    component: 'jaeger',
    title: `Jaeger ${pins.version}`,
    version: pins.version,
    estimate: '~8 min',
    binaries: ['jaeger'],
    needsGo: true,
    inputs: digest(JSON.stringify(pins), LDFLAGS),
    async build({ binDir, workDir, logFile }) {
      const run = { cwd: workDir, logFile, component: 'jaeger', env: goEnvironment() };
      // Always a fresh go.mod: a half-finished earlier attempt must not pin anything.
      writeFileSync(join(workDir, 'go.mod'), 'module shopscope.local/jaeger-build\n\ngo 1.26\n');
      await runLogged('go', ['get', '-tool', `${pins.package}@${pins.version}`], run);
      for (const [from, to] of Object.entries(pins.replace)) {
        await runLogged('go', ['mod', 'edit', `-replace=${from}=${to}`], run);
      }
      await runLogged('go', ['mod', 'tidy'], run);
      const ldflags = `${LDFLAGS}${pins.version}`;
      await runLogged('go', ['build', '-trimpath', `-ldflags=${ldflags}`, '-o', join(workDir, 'jaeger'), pins.package], run);
      installBinary(join(workDir, 'jaeger'), join(binDir, 'jaeger'));
    },
  };
}
