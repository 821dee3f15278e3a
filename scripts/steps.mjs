// The set-up steps shared by `npm start` and `npm test`. Plain Node (no dependencies):
// it runs before `npm ci` has had a chance to install anything.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** Prints one line for a step, runs it, and ends the line with how long it took. */
export async function step(title, fn) {
  const started = Date.now();
  process.stdout.write(`shopscope: ${title} ... `);
  try {
    const note = await fn();
    process.stdout.write(`${note ?? 'done'} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  } catch (err) {
    process.stdout.write('failed\n');
    console.error(`shopscope: ${title} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

/** Runs a command; output goes to a log unless it fails, then its tail is shown. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  if (result.error) throw new Error(`${cmd}: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}\n${tail}`);
  }
  return result.stdout ?? '';
}

export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** npm ci, skipped when node_modules already matches package-lock.json. */
export async function installNpmPackages() {
  await step('npm packages (npm ci)', () => {
    const lock = readFileSync(join(root, 'package-lock.json'));
    const hash = createHash('sha256').update(lock).digest('hex');
    const marker = join(root, 'node_modules', '.shopscope-lock-hash');
    if (existsSync(marker) && readFileSync(marker, 'utf8') === hash) return 'up to date';
    // Artillery depends on Playwright, whose install step would download a browser: the tests
    // use Debian's Chromium instead. Artillery's usage telemetry stays off.
    const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ARTILLERY_DISABLE_TELEMETRY: 'true' };
    run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { env });
    writeFileSync(marker, hash);
    return 'installed';
  });
}

let aptUpdated = false;
function aptInstall(packages) {
  const asRoot = process.getuid?.() === 0;
  if (!hasCommand('apt-get')) throw new Error(`missing ${packages.join(', ')} and no apt-get: install them by hand`);
  if (!asRoot && !hasCommand('sudo'))
    throw new Error(`missing ${packages.join(', ')}: run as root or install them (apt-get install ${packages.join(' ')})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const aptGet = (args) => (asRoot ? run('apt-get', args, { env }) : run('sudo', ['-n', 'apt-get', ...args], { env }));
  if (!aptUpdated) {
    aptGet(['update', '-qq']);
    aptUpdated = true;
  }
  aptGet(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
}

export function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

export async function installPostgres() {
  await step('PostgreSQL (Debian package)', () => {
    if (postgresBinDir()) return 'present';
    aptInstall(['postgresql']);
    if (!postgresBinDir()) throw new Error('postgresql installed but no server binary under /usr/lib/postgresql');
    return 'installed';
  });
}

/** A Debian server package whose binary the tests start themselves (never the system's service). */
async function installServerPackage(label, packageName, binary) {
  await step(`${label} (Debian package)`, () => {
    if (hasCommand(binary)) return 'present';
    aptInstall([packageName]);
    if (!hasCommand(binary)) throw new Error(`${packageName} installed but no ${binary} on the PATH`);
    return 'installed';
  });
}

/** MariaDB for the agent's mysql2 tests. */
export const installMariaDb = () => installServerPackage('MariaDB', 'mariadb-server', 'mariadbd');

/** Redis for the agent's ioredis and redis tests. */
export const installRedis = () => installServerPackage('Redis', 'redis-server', 'redis-server');

export async function installChromium() {
  await step('Chromium (Debian package)', () => {
    if (existsSync('/usr/bin/chromium')) return 'present';
    aptInstall(['chromium', 'fonts-liberation']);
    return 'installed';
  });
}

/** The agent is compiled to agent/dist: `--import @shopscope/agent/register` needs plain JS. */
export async function buildAgent() {
  if (!existsSync(join(root, 'agent', 'tsconfig.build.json'))) return;
  await step('build @shopscope/agent (tsc)', () => {
    run('npm', ['run', '--silent', 'build', '-w', '@shopscope/agent']);
  });
}

/**
 * A part compiled to <folder>/dist (the shop, the alert evaluator): the demo then runs plain
 * JavaScript, without the tsx loader and its esbuild helper process (≈ 40 MB less each).
 */
export async function buildPart(folder, workspace) {
  if (!existsSync(join(root, folder, 'tsconfig.build.json'))) return;
  await step(`build ${workspace} (tsc)`, () => {
    run('npm', ['run', '--silent', 'build', '-w', workspace]);
  });
}

/** Java runs the Kafka broker and Maven fetches its jars (Debian has no Kafka package). */
async function installJavaAndMaven() {
  await step('Java and Maven for Kafka (Debian packages)', () => {
    if (hasCommand('java') && hasCommand('mvn')) return 'present';
    aptInstall(['default-jdk-headless', 'maven']);
    return 'installed';
  });
}

/** Builds or finds the back ends (collector, Jaeger, VictoriaLogs, Prometheus, Kafka); prints its own lines. */
export async function buildStack() {
  if (!existsSync(join(root, 'stack', 'src', 'build.ts'))) return;
  await installJavaAndMaven();
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'stack/src/build.ts'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('shopscope: building the back ends failed (see the line above)');
    process.exit(1);
  }
}

/** Everything the demo runs, installed and built: used by `npm start` and by the drills and load runs. */
export async function prepareDemo() {
  await installNpmPackages();
  await buildAgent();
  await buildPart('sample-shop', '@shopscope/sample-shop');
  await buildPart('alerts', '@shopscope/alerts');
  await buildStack();
}
