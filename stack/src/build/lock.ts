// One build at a time per cache folder: `npm start` and `npm test` may both ask at once, and two
// Go builds side by side would only slow each other down on a small machine.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StackError } from '../errors.ts';
import type { StackSettings } from '../settings.ts';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const LOCK_WAIT_MS = 60 * 60 * 1000;

export async function withBuildLock<T>(settings: StackSettings, log: (line: string) => void, work: () => Promise<T>): Promise<T> {
  mkdirSync(settings.cacheDir, { recursive: true });
  const lock = join(settings.cacheDir, 'build.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (!Number.isInteger(holder) || holder <= 0 || !processAlive(holder)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new StackError('SHOPSCOPE_ERR_BUSY', `another build (pid ${holder}) has held ${lock} for over an hour`);
      if (!told) log(`shopscope: waiting for another stack build (pid ${holder}) to finish ...`);
      told = true;
      await new Promise((done) => setTimeout(done, 2_000));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}
