import { startAgent } from './agent.ts';
import type { ConventionLogger } from './logging/logger.ts';
import type { Commerce } from './commerce/commerce.ts';
import { createAppMetrics, setActiveSpanAttributes, type AppMetrics } from './metrics/app-metrics.ts';

// The explicit conventions. Importing the package starts the agent if the register entry has
// not already (same process-wide instance either way).

const agent = startAgent();

export const logger: ConventionLogger = agent.logger;
export const commerce: Commerce = agent.commerce;
export const shopscopeWinstonFormat = agent.winstonFormat;

export const experiment = {
  /** Assigns `variant` of experiment `name` to the current request and its downstream calls. */
  assign(name: string, variant: string): void {
    try {
      agent.experiments.assign(name, variant, (ctx) => agent.tracing?.contextManager.enter(ctx));
    } catch {
      // an assignment that cannot be recorded must not break the request
    }
  },
};

/** The app's own counters and histograms on the agent's /metrics (no-ops when metrics are off). */
export const metrics: AppMetrics = createAppMetrics(agent.metrics);

/** Sets attributes on the current span (a `traced()` span, the request's span); no-op outside one. */
export const setSpanAttributes = setActiveSpanAttributes;

/** Resolves with the /metrics port once listening (undefined when metrics are off). */
export function metricsPort(): Promise<number | undefined> {
  return agent.metricsEndpoint?.ready ?? Promise.resolve(undefined);
}

/** Flushes spans and logs now (also done automatically on SIGTERM/SIGINT and before exit). */
export function flush(): Promise<void> {
  return agent.flush();
}
