// VictoriaLogs: a plain `go install` of its command at the pinned version, into the cache.
import { join } from 'node:path';
import type { Versions } from '../versions.ts';
import { goInstall } from './go.ts';
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
      await goInstall(`${pins.package}@${pins.version}`, {
        cwd: workDir,
        logFile,
        component: 'victorialogs',
        gobin: workDir,
        flags: ['-trimpath', `-ldflags=${LDFLAGS}${pins.version}`],
      });
      installBinary(join(workDir, VICTORIALOGS_BINARY), join(binDir, VICTORIALOGS_BINARY));
    },
  };
}
