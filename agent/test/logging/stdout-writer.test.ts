import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// The writer behind every stdout line, in a child process so its real fd 1 is a pipe.
const child = (code: string, readDelayMs = 0): Promise<string> =>
  new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: new URL('../..', import.meta.url),
    });
    // Bytes kept as they come and decoded once: a chunk may end inside a character.
    const out: Buffer[] = [];
    proc.stdout.pause();
    setTimeout(() => {
      proc.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      proc.stdout.resume();
    }, readDelayMs);
    proc.once('error', reject);
    proc.once('close', () => resolve(Buffer.concat(out).toString('utf8')));
  });

const writer = "import { StdoutWriter } from './src/logging/stdout-writer.ts'; const w = new StdoutWriter(1);";

describe('StdoutWriter', () => {
  it('writes every line in order, including those pending when the process exits', async () => {
    const out = await child(
      `${writer} for (let i = 0; i < 20000; i++) w.write(JSON.stringify({ i, text: 'é ✓ ' + 'x'.repeat(i % 50) }) + '\\n'); process.exit(0);`,
    );
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(20000);
    lines.forEach((line, i) => expect((JSON.parse(line) as { i: number }).i).toBe(i));
  });

  it('keeps lines a full pipe refused and writes them once the reader catches up', async () => {
    // 3 MB written while nobody reads: the pipe fills (EAGAIN once stdout is non-blocking).
    const out = await child(
      `process.stdout; ${writer} for (let i = 0; i < 30000; i++) w.write(String(i).padEnd(99, '.') + '\\n'); setTimeout(() => w.flushSync(), 1500);`,
      1000,
    );
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(30000);
    expect(lines.at(-1)!.startsWith('29999')).toBe(true);
  });

  it('splits nothing when a full pipe takes part of a line with multi-byte characters', async () => {
    // Lines of uneven length with 2-, 3- and 4-byte characters, 4 MB+ while nobody reads: partial
    // writes land inside characters and past MAX_PENDING the writer waits for the reader.
    const out = await child(
      `process.stdout; ${writer} for (let i = 0; i < 40000; i++) w.write(JSON.stringify({ i, text: 'é✓🛒'.repeat(1 + (i % 37)) }) + '\\n'); setTimeout(() => w.flushSync(), 1500);`,
      1000,
    );
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(40000);
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line) as { i: number; text: string };
      expect(parsed.i).toBe(i);
      expect(parsed.text).toBe('é✓🛒'.repeat(1 + (i % 37)));
    });
  });
});
