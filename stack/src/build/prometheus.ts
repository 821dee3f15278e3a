// Prometheus and promtool come from Debian's `prometheus` package, not a Go build. The "build"
// installs the package when it is missing (as root, or through passwordless sudo) and links its
// binaries into the versioned cache folder so every component is found the same way.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors.ts';
import type { Versions } from '../versions.ts';
import { digest, type BuildRecipe } from './recipe.ts';

const SYSTEM_BIN = '/usr/bin';

function installedVersion(): string | undefined {
  const result = spawnSync(join(SYSTEM_BIN, 'prometheus'), ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return /version (\d+\.\d+\.\d+)/.exec(`${result.stdout}${result.stderr}`)?.[1];
}

function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

function aptInstall(pkg: string): void {
  const asRoot = process.getuid?.() === 0;
  if (!hasCommand('apt-get')) {
    throw new StackError(
      'SHOPSCOPE_ERR_PACKAGE_MISSING',
      `Prometheus is not installed and there is no apt-get here: install Debian's \`${pkg}\` package (or prometheus and promtool on PATH at /usr/bin)`,
    );
  }
  const prefix = asRoot ? [] : ['sudo', '-n'];
  if (!asRoot && !hasCommand('sudo')) {
    throw new StackError('SHOPSCOPE_ERR_PACKAGE_MISSING', `Prometheus is not installed: run \`sudo apt-get install ${pkg}\``);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', pkg],
  ]) {
    const [command = '', ...rest] = [...prefix, ...args];
    const result = spawnSync(command, rest, { encoding: 'utf8', env });
    if (result.status !== 0) {
      const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-10).join('\n');
      throw new StackError(
        'SHOPSCOPE_ERR_PACKAGE_MISSING',
        `could not install Debian's \`${pkg}\` package (${args.join(' ')} exited with ${result.status})`,
        { logTail: tail },
      );
    }
  }
}

/**
 * Debian's package may start a system Prometheus on 9090 (where an init system runs); the stack
 * starts its own there, so the system service is stopped and kept from starting at boot.
 */
function stopSystemService(): void {
  if (process.getuid?.() !== 0) return;
  if (hasCommand('systemctl')) spawnSync('systemctl', ['disable', '--now', 'prometheus'], { stdio: 'ignore' });
  if (existsSync('/etc/init.d/prometheus')) {
    spawnSync('/etc/init.d/prometheus', ['stop'], { stdio: 'ignore' });
    if (hasCommand('update-rc.d')) spawnSync('update-rc.d', ['prometheus', 'disable'], { stdio: 'ignore' });
  }
}

export function prometheusRecipe(versions: Versions): BuildRecipe {
  const pins = versions.prometheus;
  return {
    component: 'prometheus',
    title: `Prometheus ${pins.version} (Debian package)`,
    version: pins.version,
    estimate: '~1 min',
    binaries: pins.binaries,
    needsGo: false,
    inputs: digest(JSON.stringify(pins)),
    async build({ binDir }) {
      if (!installedVersion()) {
        aptInstall(pins.debianPackage);
        stopSystemService();
      }
      const found = installedVersion();
      if (!found)
        throw new StackError(
          'SHOPSCOPE_ERR_PACKAGE_MISSING',
          `the \`${pins.debianPackage}\` package is installed but ${SYSTEM_BIN}/prometheus does not run`,
        );
      if (!found.startsWith(`${pins.version}.`)) {
        throw new StackError(
          'SHOPSCOPE_ERR_PACKAGE_MISSING',
          `Prometheus ${found} is installed; versions.json expects ${pins.version}.x (its config uses 2.x flags)`,
        );
      }
      for (const name of pins.binaries) {
        const source = join(SYSTEM_BIN, name);
        if (!existsSync(source))
          throw new StackError(
            'SHOPSCOPE_ERR_PACKAGE_MISSING',
            `${source} is missing although the \`${pins.debianPackage}\` package is installed`,
          );
        rmSync(join(binDir, name), { force: true });
        symlinkSync(source, join(binDir, name));
      }
    },
  };
}
