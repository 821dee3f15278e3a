import { describe, expect, it, vi } from 'vitest';
import { startMemoryLeakFault } from '../../src/cart/memory-leak.ts';
import { defaultFlags, type FlagStore } from '../../src/shared/flags.ts';

describe('cartMemoryGrowthMb', () => {
  it('retains about that many megabytes per minute while set, and frees them when cleared', async () => {
    vi.useFakeTimers();
    let flags = { ...defaultFlags, cartMemoryGrowthMb: 60 };
    const store = { get: () => flags } as unknown as FlagStore;
    const before = process.memoryUsage().arrayBuffers;
    const stop = startMemoryLeakFault(store);
    try {
      vi.advanceTimersByTime(10_000);
      const grown = process.memoryUsage().arrayBuffers - before;
      expect(grown).toBeGreaterThan(9 * 1024 * 1024);
      expect(grown).toBeLessThan(12 * 1024 * 1024);
      flags = { ...defaultFlags };
      vi.advanceTimersByTime(1000);
    } finally {
      stop();
      vi.useRealTimers();
    }
  });
});
