import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isAlive, terminate } from '../src/processes.ts';

describe('terminate', () => {
  it('kills a process that ignores SIGTERM once the deadline has passed', async () => {
    const stubborn = spawn('sh', ['-c', 'trap "" TERM; sleep 60 & wait'], { detached: true, stdio: 'ignore' });
    const pid = stubborn.pid ?? 0;
    await new Promise((done) => setTimeout(done, 200));
    const started = Date.now();
    const killed = await terminate([pid], 500);
    expect(killed).toEqual([pid]);
    expect(isAlive(pid)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('ends a well-behaved process with SIGTERM alone, children included', async () => {
    const parent = spawn('sh', ['-c', 'sleep 60 & echo $!; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const childPid = await new Promise<number>((done) =>
      parent.stdout?.once('data', (chunk: Buffer) => done(Number(chunk.toString().trim()))),
    );
    const killed = await terminate([parent.pid ?? 0], 5_000);
    expect(killed).toEqual([]);
    // the group's signal reaches the child too; it may die a moment after its parent
    const deadline = Date.now() + 3_000;
    while (isAlive(childPid) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 20));
    expect(isAlive(childPid)).toBe(false);
  });
});
