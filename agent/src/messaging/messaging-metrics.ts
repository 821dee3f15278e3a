import { GuardedGauge, GuardedHistogram, type GuardOptions } from '../metrics/guarded-metrics.ts';

// Messaging metrics: operation durations read from the Kafka client's producer and consumer
// spans (span-metrics.ts), and the gauges only the app can know, set through the `messaging`
// API: a consumer group's lag (the broker's offsets, which the agent cannot see by itself) and
// a transactional outbox's backlog.

/** Publish and process latency: 1 ms to 30 s (a publish waits out broker retries). */
export const MESSAGING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface MessagingMetrics {
  /** operation (publish|process), topic, system */
  operationDuration: GuardedHistogram;
  /** group, topic, partition */
  consumerLag: GuardedGauge;
  /** outbox */
  outboxPending: GuardedGauge;
  outboxOldestAge: GuardedGauge;
}

export function createMessagingMetrics(guard: GuardOptions): MessagingMetrics {
  return {
    operationDuration: new GuardedHistogram(
      {
        name: 'messaging_client_operation_duration_seconds',
        help: 'Duration of messaging operations: publish (producer spans) and process (consumer spans), by topic',
        labelNames: ['operation', 'topic', 'system'],
      },
      MESSAGING_BUCKETS,
      true,
      guard,
    ),
    consumerLag: new GuardedGauge(
      {
        name: 'messaging_kafka_consumer_lag',
        help: 'Messages a consumer group has not yet committed, by topic and partition (latest offset - committed offset)',
        labelNames: ['group', 'topic', 'partition'],
      },
      guard,
    ),
    outboxPending: new GuardedGauge(
      { name: 'outbox_pending_events', help: 'Events written to a transactional outbox and not yet published', labelNames: ['outbox'] },
      guard,
    ),
    outboxOldestAge: new GuardedGauge(
      {
        name: 'outbox_oldest_pending_age_seconds',
        help: 'Age of the oldest event still waiting in a transactional outbox (0 when it is empty)',
        labelNames: ['outbox'],
      },
      guard,
    ),
  };
}
