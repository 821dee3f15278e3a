// A back end that cannot start is named, with the end of its log, and is not left half-running.
import { createServer, type Server } from 'node:net';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryPath, buildAll } from '../src/build/build-all.ts';
import { StackError } from '../src/errors.ts';
import { findProcesses } from '../src/processes.ts';
import { loadSettings } from '../src/settings.ts';
import { down, up } from '../src/supervisor.ts';
import { testEnvironment } from '@shopscope/testkit';

const env = testEnvironment('broken');
const settings = loadSettings(env);
const quiet = (): void => {};

describe('a component that fails to start', () => {
  let squatter: Server;

  beforeAll(async () => {
    await buildAll({ components: ['victorialogs'], log: quiet });
    await down({ env, log: quiet });
    // Holds the port and hangs up on every caller, so health checks fail fast.
    squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => squatter.listen(settings.ports.victoriaLogs, '127.0.0.1', done));
  }, 45 * 60_000);

  afterAll(async () => {
    await new Promise((done) => squatter.close(done));
    await down({ env, log: quiet });
  });

  it('is named, with the tail of its log, when its port is taken', async () => {
    const error = await up({ env, components: ['victorialogs'], log: quiet }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(StackError);
    const failure = error as StackError;
    expect(failure.code).toBe('SHOPSCOPE_ERR_START_FAILED');
    expect(failure.component).toBe('victorialogs');
    expect(failure.message).toMatch(/^victorialogs exited with code \d+ while starting/);
    expect(failure.logTail).toMatch(/address already in use/);
    expect(findProcesses(basename(binaryPath('victorialogs', undefined, settings)), settings.dataDir)).toEqual([]);
  });
});
