/**
 * The events' doorway to `@shopscope/agent`'s messaging API, chosen once at start like
 * shared/telemetry.ts does for the rest: under the agent, the trace context an outbox row keeps
 * and the lag and backlog gauges; without it, no-ops, so events work without the agent.
 */
export interface MessagingTelemetry {
  /** The current span's W3C traceparent, to store with an event written now and published later. */
  traceparent(): string | undefined;
  /** Runs `fn` inside the trace context a stored traceparent names. */
  withTraceparent<T>(traceparent: string | undefined, fn: () => T): T;
  /** Runs `fn` with tracing suppressed (a poll loop's queries are not traces). */
  untraced<T>(fn: () => T): T;
  consumerLag(lags: readonly { group: string; topic: string; partition: number; lag: number }[]): void;
  outboxBacklog(backlog: { outbox: string; pending: number; oldestAgeSeconds: number }): void;
}

const noop: MessagingTelemetry = {
  traceparent: () => undefined,
  withTraceparent: (_traceparent, fn) => fn(),
  untraced: (fn) => fn(),
  consumerLag: () => undefined,
  outboxBacklog: () => undefined,
};

const agentPackage = '@shopscope/agent';
const underAgent = process.execArgv.some((arg) => arg.includes('@shopscope/agent/register'));

async function load(): Promise<MessagingTelemetry> {
  if (!underAgent) return noop;
  try {
    const agent = (await import(agentPackage)) as { messaging?: MessagingTelemetry };
    return agent.messaging ?? noop;
  } catch {
    return noop; // shared/telemetry.ts already says once that the agent's API is missing
  }
}

export const messagingTelemetry: MessagingTelemetry = await load();
