// `status` shows the demo's processes: the recorded ones and their descendants, each with its
// resident memory; a dead recorded pid and a broken record show nothing rather than failing.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoPidFile, demoProcesses } from '../src/demo-processes.ts';
import { loadSettings } from '../src/settings.ts';
import { terminate } from '../src/processes.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'shopscope-demo-pids-'));
const settings = loadSettings({ SHOPSCOPE_STACK_DATA_DIR: dataDir });
const record = (content: string) => {
  mkdirSync(dirname(demoPidFile(settings)), { recursive: true });
  writeFileSync(demoPidFile(settings), content);
};

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('demo processes', () => {
  it('lists each recorded process and its children by their last argument, with resident memory', async () => {
    const parent = spawn('sh', ['-c', 'sleep 61 & sleep 62 & wait'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((done) => setTimeout(done, 300));
      record(JSON.stringify([{ name: 'shop', pid: parent.pid }]));
      const found = demoProcesses(settings);
      expect(found.map((p) => p.name).sort()).toEqual(['shop', 'shop/61', 'shop/62']);
      for (const p of found) expect(p.rssBytes).toBeGreaterThan(0);
    } finally {
      await terminate([parent.pid ?? 0], 2_000);
    }
  });

  it('shows nothing for a record of dead processes, a broken record, or none', () => {
    record(JSON.stringify([{ name: 'shop', pid: 2 ** 22 + 1 }]));
    expect(demoProcesses(settings)).toEqual([]);
    record('{not json');
    expect(demoProcesses(settings)).toEqual([]);
    rmSync(demoPidFile(settings));
    expect(demoProcesses(settings)).toEqual([]);
  });
});
