// A real MariaDB of a test's own: Debian's mariadbd on a free port with a fresh data folder
// (removed on stop), one database `shop` and a user `shop` without password.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { stopChild } from './stop-child.ts';
import { requireCommand, startTcpBackend } from './tcp-backend.ts';

const INSTALLED_BY = 'npm test installs it (Debian package mariadb-server)';

export interface RunningMariaDb {
  port: number;
  host: string;
  user: string;
  database: string;
  stop(): Promise<void>;
  /** The last 20,000 characters it printed. */ logs(): string;
}

export async function startMariaDb(): Promise<RunningMariaDb> {
  const server = requireCommand('mariadbd', INSTALLED_BY);
  const installDb = requireCommand('mariadb-install-db', INSTALLED_BY);
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-mariadb-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  // mariadbd refuses to run as root unless told which user to stay.
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  const setup = spawnSync(
    installDb,
    ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...asRoot],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (setup.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed: ${(setup.stderr || setup.stdout).slice(-2000)}`);
  }
  const { child, output } = await startTcpBackend(
    'mariadbd',
    server,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'mariadb.sock')}`,
      `--pid-file=${join(dir, 'mariadb.pid')}`,
      '--skip-grant-tables',
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=16M',
      `--init-file=${writeInit(dir)}`,
      ...asRoot,
    ],
    port,
    60_000,
  );
  return {
    port,
    host: '127.0.0.1',
    user: 'shop',
    database: 'shop',
    logs: output,
    async stop() {
      await stopChild(child, 10_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The database the tests use, created at start (with --skip-grant-tables any user may connect). */
function writeInit(dir: string): string {
  const file = join(dir, 'init.sql');
  writeFileSync(file, 'CREATE DATABASE IF NOT EXISTS shop;\n');
  return file;
}
