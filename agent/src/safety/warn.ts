import type { ErrorCode } from '../errors.ts';

// The agent's only voice: one line on stderr per problem, prefixed with its code. Repeats of
// the same problem are held back for `intervalMs` and then reported as a count, so a collector
// that stays down for an hour costs a handful of lines, not millions.

const DEFAULT_INTERVAL_MS = 60_000;

interface WarnState {
  lastAt: number;
  suppressed: number;
}

const states = new Map<string, WarnState>();
let sink: (line: string) => void = (line) => {
  process.stderr.write(line);
};

export function warn(code: ErrorCode, message: string, key: string = code, intervalMs = DEFAULT_INTERVAL_MS): void {
  try {
    const now = Date.now();
    const state = states.get(key);
    if (state && now - state.lastAt < intervalMs) {
      state.suppressed += 1;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    states.set(key, { lastAt: now, suppressed: 0 });
    const tail = suppressed > 0 ? ` (${suppressed} similar messages suppressed)` : '';
    sink(`[shopscope] ${code}: ${message}${tail}\n`);
  } catch {
    // stderr itself failed (closed pipe): nothing sensible is left to do.
  }
}

/** Lets tests capture warnings without touching process.stderr. */
export function setWarnSink(next: (line: string) => void): void {
  sink = next;
  states.clear();
}
