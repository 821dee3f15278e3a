import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/shared/config.ts';
import { parseSchedule } from '../../src/shared/schedule.ts';
import { settlementDay, yesterday } from '../../src/orders/settlement.ts';

describe('the settlement schedule', () => {
  it('is nightly at 02:00 UTC unless SHOPSCOPE_SETTLEMENT_SCHEDULE says otherwise, or off', () => {
    expect(loadConfig({}).settlementSchedule).toEqual({ pattern: '0 2 * * *', periodSeconds: 86_400 });
    expect(loadConfig({ SHOPSCOPE_SETTLEMENT_SCHEDULE: '*/5 * * * *' }).settlementSchedule).toEqual({
      pattern: '*/5 * * * *',
      periodSeconds: 300,
    });
    expect(loadConfig({ SHOPSCOPE_SETTLEMENT_SCHEDULE: 'off' }).settlementSchedule).toBeUndefined();
  });

  it('measures an uneven schedule by its longest gap', () => {
    // weekdays only: Friday to Monday is the longest wait
    expect(parseSchedule('S', '0 2 * * 1-5')?.periodSeconds).toBe(3 * 86_400);
  });

  it('refuses a bad pattern with one error naming the setting', () => {
    for (const bad of ['nightly', '0 25 * * *', '* * *']) {
      expect(() => loadConfig({ SHOPSCOPE_SETTLEMENT_SCHEDULE: bad })).toThrow(/^SHOPSCOPE_SETTLEMENT_SCHEDULE must be a cron pattern/);
    }
  });

  it('settles the UTC day before, and accepts only calendar days', () => {
    expect(yesterday(new Date('2026-03-01T00:30:00Z'))).toBe('2026-02-28');
    expect(settlementDay.safeParse('2024-02-29').success).toBe(true);
    for (const day of ['2026-02-29', '2026-13-01', '2026-3-1', '']) expect(settlementDay.safeParse(day).success).toBe(false);
  });
});
