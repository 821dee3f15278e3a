import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/logging/iso-time.ts';

describe('isoTime', () => {
  it('matches Date#toISOString across milliseconds, seconds and days', () => {
    const times = [
      0, 5, 99, 999, 1000, 1_764_501_234_007, 1_764_501_234_050, 1_764_501_234_999, 1_764_501_235_000, 1_764_547_199_999, 1_764_547_200_000,
    ];
    for (const ms of times) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    for (let ms = 1_764_501_234_000; ms < 1_764_501_236_500; ms += 7) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
  });
});
