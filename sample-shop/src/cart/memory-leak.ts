import type { FlagStore } from '../shared/flags.ts';

/**
 * The `cartMemoryGrowthMb` fault: the cart service retains that many megabytes per minute,
 * in one-second steps, as a slow leak would. Setting the flag back to 0 frees it (as a restart
 * would), so a drill can watch the memory alert resolve.
 */
export function startMemoryLeakFault(flags: FlagStore): () => void {
  let leaked: Buffer[] = [];
  const timer = setInterval(() => {
    const perMinuteMb = flags.get().cartMemoryGrowthMb;
    if (perMinuteMb <= 0) {
      leaked = [];
      return;
    }
    // fill() touches every page, so the growth shows in resident memory, not just in a reservation.
    leaked.push(Buffer.alloc(Math.round((perMinuteMb * 1024 * 1024) / 60)).fill(1));
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    leaked = [];
  };
}
