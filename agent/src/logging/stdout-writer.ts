import { writeSync } from 'node:fs';

// The stdout every JSON line goes through (pino's and the access log's), in order. Lines are
// kept as a list of strings and written with one synchronous write per ~16 KiB, and at least
// every 200 ms. Written by hand instead of pino.destination (sonic-boom) because sonic-boom
// appends every line to one growing string and measures its UTF-8 length on each write, which
// flattens and scans the whole pending buffer per line: in CPU profiles of the access log it
// cost more than building the line itself.
//
// A full pipe (EAGAIN, stdout is non-blocking once Node has touched it) keeps the lines for
// the next attempt; past MAX_PENDING bytes the writer waits for the reader instead of
// growing, as a synchronous logger does, and at exit it waits up to 10 s. Nothing is dropped
// while someone reads.

const FLUSH_AT = 16 * 1024;
const MAX_PENDING = 4 * 1024 * 1024;
const FLUSH_EVERY_MS = 200;
const EXIT_WAIT_MS = 10_000;
const WAIT_CELL = new Int32Array(new SharedArrayBuffer(4));

export class StdoutWriter {
  private chunks: string[] = [];
  private pending = 0;
  /** Bytes a full pipe did not take, written before anything newer. */
  private rest: Buffer | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly fd = 1) {
    this.timer = setInterval(() => this.flushSync(), FLUSH_EVERY_MS);
    this.timer.unref();
    // process.exit() skips timers: write what is pending on the way out, waiting (bounded)
    // for a slow reader.
    process.once('exit', () => this.flushSync(EXIT_WAIT_MS));
  }

  /** pino's DestinationStream. */
  write(line: string): boolean {
    this.chunks.push(line);
    this.pending += line.length;
    if (this.pending >= FLUSH_AT) this.flushSync();
    return true;
  }

  /**
   * Writes what is pending now. What a full pipe does not take stays pending for the next
   * flush, unless MAX_PENDING bytes wait: then, as a synchronous logger does, it waits for the
   * reader. `waitMs` > 0 waits up to that long in any case (process exit).
   */
  flushSync(waitMs = 0): void {
    if (this.pending > 0) {
      const text = this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join('');
      this.chunks = [];
      this.pending = 0;
      const bytes = Buffer.from(text);
      this.rest = this.rest ? Buffer.concat([this.rest, bytes]) : bytes;
    }
    let waited = 0;
    while (this.rest !== undefined) {
      const rest = this.rest;
      try {
        const written = writeSync(this.fd, rest);
        this.rest = written >= rest.length ? undefined : rest.subarray(written);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') {
          this.rest = undefined; // stdout closed (EPIPE, EBADF): nobody is reading
          return;
        }
        const mustWait = rest.length >= MAX_PENDING || waited < waitMs;
        if (!mustWait) return;
        Atomics.wait(WAIT_CELL, 0, 0, 5);
        waited += 5;
      }
    }
  }

  /** pino calls this for logger.flush(). */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }
}
