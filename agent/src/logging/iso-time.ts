// ISO 8601 UTC timestamps for log lines, cheaply: Date#toISOString runs once per second and
// each line only swaps in its milliseconds. Under load every line falls in a new millisecond,
// so caching per millisecond (as before) saved nothing; this saves the formatting.

let secondStart = -1;
let secondPrefix = '';

/** `2026-11-30T12:34:56.789Z` for `ms` (default: now). */
export function isoTime(ms: number = Date.now()): string {
  const millis = ms % 1000;
  const start = ms - millis;
  if (start !== secondStart) {
    secondStart = start;
    secondPrefix = new Date(start).toISOString().slice(0, 20); // up to and including the '.'
  }
  return `${secondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}
