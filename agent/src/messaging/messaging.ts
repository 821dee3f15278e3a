import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { describe } from '../safety/safe-call.ts';
import { warn } from '../safety/warn.ts';
import type { MessagingMetrics } from './messaging-metrics.ts';

// What an app that publishes later than it decides (a transactional outbox) needs from the
// agent: the current trace context as a `traceparent` to store with the event, a way to run
// the publish inside that context again (so the producer span is a child of the request that
// wrote the event, in the same trace), a way to keep a polling loop out of the traces, and the
// gauges only the app can fill. Every call is safe: a bad value is ignored, never thrown.

export interface ConsumerLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

export interface OutboxBacklog {
  /** Names the outbox, e.g. `orders`. */
  outbox: string;
  pending: number;
  oldestAgeSeconds: number;
}

export interface Messaging {
  /** The active span's W3C `traceparent`, or undefined outside a sampled or recording span. */
  traceparent(): string | undefined;
  /** Runs `fn` inside the trace context `traceparent` names (or as it is, without one). */
  withTraceparent<T>(traceparent: string | undefined, fn: () => T): T;
  /** Runs `fn` with tracing suppressed: a poll loop's queries make no root spans. */
  untraced<T>(fn: () => T): T;
  /** The lag of each partition a group consumes; partitions no longer reported keep their last value. */
  consumerLag(lags: readonly ConsumerLag[]): void;
  outboxBacklog(backlog: OutboxBacklog): void;
}

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export function createMessaging(metrics: MessagingMetrics | undefined): Messaging {
  return {
    traceparent() {
      try {
        const span = trace.getSpan(context.active());
        if (!span || !span.spanContext().traceId) return undefined;
        const carrier: Record<string, string> = {};
        propagation.inject(context.active(), carrier);
        return carrier.traceparent;
      } catch {
        return undefined;
      }
    },
    withTraceparent(traceparent, fn) {
      if (typeof traceparent !== 'string' || !TRACEPARENT.test(traceparent)) return fn();
      let restored;
      try {
        restored = propagation.extract(ROOT_CONTEXT, { traceparent });
      } catch {
        return fn();
      }
      return context.with(restored, fn);
    },
    untraced(fn) {
      return context.with(suppressTracing(context.active()), fn);
    },
    consumerLag(lags) {
      if (!metrics) return;
      try {
        for (const { group, topic, partition, lag } of lags) {
          if (!Number.isFinite(lag) || !Number.isInteger(partition)) continue;
          metrics.consumerLag.set([String(group), String(topic), String(partition)], Math.max(0, lag));
        }
      } catch (error) {
        warn('SHOPSCOPE_ERR_CALLBACK', `messaging.consumerLag: ${describe(error)}`, 'callback:consumerLag');
      }
    },
    outboxBacklog({ outbox, pending, oldestAgeSeconds }) {
      if (!metrics || !Number.isFinite(pending) || !Number.isFinite(oldestAgeSeconds)) return;
      metrics.outboxPending.set([String(outbox)], Math.max(0, pending));
      metrics.outboxOldestAge.set([String(outbox)], Math.max(0, oldestAgeSeconds));
    },
  };
}
