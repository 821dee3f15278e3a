// VictoriaLogs: a plain `go install` of its command at the pinned version, into the cache.
import { join } from 'node:path';
import type { Versions } from '../versions.ts';
import { goEnvironment, runLogged } from './go.ts';
import { digest, installBinary, type BuildRecipe } from './recipe.ts';

export const VICTORIALOGS_BINARY = 'victoria-logs';

// `victoria-logs -version` reports the pinned version (the module leaves it to the release build).
const LDFLAGS = '-s -w -X github.com/VictoriaMetrics/VictoriaMetrics/lib/buildinfo.Version=victoria-logs-';

export function victoriaLogsRecipe(versions: Versions): BuildRecipe {
  const pins = versions.victorialogs;
  return {
    component: 'victorialogs',
    title: `VictoriaLogs ${pins.version}`,
    version: pins.version,
    estimate: '~1 min',
    binaries: [VICTORIALOGS_BINARY],
    needsGo: true,
    inputs: digest(JSON.stringify(pins), LDFLAGS),
    async build({ binDir, workDir, logFile }) {
      // Outside a module, -mod=mod is refused: `go install mod@version` gets its own GOFLAGS.
      await runLogged('go', ['install', '-trimpath', `-ldflags=${LDFLAGS}${pins.version}`, `${pins.package}@${pins.version}`], {
        cwd: workDir,
        logFile,
        component: 'victorialogs',
        env: goEnvironment({ GOBIN: workDir, GOFLAGS: '-buildvcs=false' }),
      });
      installBinary(join(workDir, VICTORIALOGS_BINARY), join(binDir, VICTORIALOGS_BINARY));
    },
  };
}
