import { writeSync, writevSync } from 'node:fs';

// The stdout every JSON line goes through (pino's and the access log's), in order. Lines are
// kept as a list of strings and written with one synchronous write per ~16 KiB, and at least
// every 200 ms. What a full pipe does not take waits as a list of buffers written with writev,
// never concatenated again (which, with a slow reader, would copy megabytes per flush).
// Written by hand instead of pino.destination (sonic-boom) because sonic-boom appends every
// line to one growing string and measures its UTF-8 length on each write, which flattens and
// scans the whole pending buffer per line: in CPU profiles of the access log it cost more than
// building the line itself.
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
  /** Bytes a full pipe did not take, oldest first, written before anything newer. */
  private rest: Buffer[] = [];
  private restBytes = 0;
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
      if (this.rest.length === 0) {
        // The usual case, nothing left over: the string goes to the fd as it is (no Buffer
        // for the GC to track); only a partial write makes one, for the part not taken.
        let written = 0;
        try {
          written = writeSync(this.fd, text);
        } catch (error) {
          if (!this.retryable(error)) return;
        }
        const bytes = Buffer.byteLength(text);
        if (written < bytes) this.keep(Buffer.from(text).subarray(written));
      } else this.keep(Buffer.from(text));
    }
    let waited = 0;
    while (this.rest.length > 0) {
      try {
        this.taken(this.rest.length === 1 ? writeSync(this.fd, this.rest[0]!) : writevSync(this.fd, this.rest));
      } catch (error) {
        if (!this.retryable(error)) return;
        const mustWait = this.restBytes >= MAX_PENDING || waited < waitMs;
        if (!mustWait) return;
        Atomics.wait(WAIT_CELL, 0, 0, 5);
        waited += 5;
      }
    }
  }

  private keep(bytes: Buffer): void {
    this.rest.push(bytes);
    this.restBytes += bytes.length;
  }

  /** Drops the first `written` bytes of what was left over. */
  private taken(written: number): void {
    this.restBytes -= written;
    let left = written;
    while (left > 0 && this.rest.length > 0) {
      const first = this.rest[0]!;
      if (first.length <= left) {
        left -= first.length;
        this.rest.shift();
      } else {
        this.rest[0] = first.subarray(left);
        left = 0;
      }
    }
  }

  /** EAGAIN (a full pipe) is worth retrying; anything else (EPIPE, EBADF) means nobody reads. */
  private retryable(error: unknown): boolean {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return true;
    this.rest = [];
    this.restBytes = 0;
    return false;
  }

  /** pino calls this for logger.flush(). */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }
}
