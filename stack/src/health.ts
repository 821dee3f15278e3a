// Asks a back end whether it is up: every health check must answer with an accepted status.
import type { HealthCheck } from './components/component.ts';
import { kafkaAnswers } from './kafka-probe.ts';

/** An HTTP status; a `kafka://host:port` check answers 200 when the broker does. */
async function statusOf(url: string, timeoutMs: number): Promise<number> {
  if (url.startsWith('kafka://')) {
    const { hostname, port } = new URL(url);
    return (await kafkaAnswers(hostname, Number(port), timeoutMs)) ? 200 : 0;
  }
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0; // refused, reset or timed out: not up
  }
}

export async function isHealthy(checks: readonly HealthCheck[], timeoutMs = 2_000): Promise<boolean> {
  const results = await Promise.all(
    checks.map(async (check) => {
      const status = await statusOf(check.url, timeoutMs);
      return check.accepts ? status > 0 && check.accepts(status) : status === 200;
    }),
  );
  return results.every(Boolean);
}

/**
 * Polls until healthy, `deadline` passes, or `gaveUp()` says to stop (the process died).
 * Returns whether it became healthy.
 */
export async function waitHealthy(checks: readonly HealthCheck[], deadline: number, gaveUp: () => boolean): Promise<boolean> {
  for (;;) {
    if (gaveUp()) return false;
    if (await isHealthy(checks, 1_000)) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((done) => setTimeout(done, 250));
  }
}
