import { AlertsError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const PART = /(\d+)(ms|s|m|h|d|w|y)/gy;

/** Parses a Prometheus duration ("90s", "1h30m", "3d") into milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (trimmed === '') throw new AlertsError('SHOPSCOPE_ERR_CONFIG_INVALID', 'empty duration');
  let total = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let match = PART.exec(trimmed); match; match = PART.exec(trimmed)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed = PART.lastIndex;
  }
  if (consumed !== trimmed.length) {
    throw new AlertsError('SHOPSCOPE_ERR_CONFIG_INVALID', `"${text}" is not a duration (use e.g. 30s, 5m, 1h30m)`);
  }
  // Past 2^53 ms (285,000 years) the sum is no longer exact and no date can hold it.
  if (!Number.isSafeInteger(total)) throw new AlertsError('SHOPSCOPE_ERR_CONFIG_INVALID', `"${text.slice(0, 40)}" is too long a duration`);
  return total;
}

export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
