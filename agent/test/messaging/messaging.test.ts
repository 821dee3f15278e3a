// The messaging metrics: publish and process durations from producer and consumer spans, and
// the lag and outbox gauges the app hands over, all on the agent's registry and never throwing.
import { SpanKind } from '@opentelemetry/api';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { createMessaging } from '../../src/messaging/messaging.ts';
import { createMessagingMetrics } from '../../src/messaging/messaging-metrics.ts';
import { createRedMetrics } from '../../src/metrics/red-metrics.ts';
import { SpanMetricsProcessor } from '../../src/metrics/span-metrics.ts';
import { LeanTracerProvider } from '../../src/tracing/lean-tracer.ts';

function setUp() {
  const red = createRedMetrics([], 3);
  const metrics = createMessagingMetrics(red.guard);
  const tracer = new LeanTracerProvider(new AlwaysOnSampler(), [new SpanMetricsProcessor(red, metrics)]).getTracer('test');
  return { red, metrics, tracer };
}

describe('messaging metrics', () => {
  it('a producer span is a publish, a consumer span a process, by topic; a receive (CLIENT) span is neither', async () => {
    const { red, tracer } = setUp();
    const kafka = (topic: string) => ({ 'messaging.system': 'kafka', 'messaging.destination.name': topic });
    tracer.startSpan('send shop.orders', { kind: SpanKind.PRODUCER, attributes: kafka('shop.orders') }).end();
    tracer.startSpan('send shop.orders', { kind: SpanKind.PRODUCER, attributes: kafka('shop.orders') }).end();
    tracer.startSpan('process shop.orders', { kind: SpanKind.CONSUMER, attributes: kafka('shop.orders') }).end();
    tracer.startSpan('poll shop.orders', { kind: SpanKind.CLIENT, attributes: kafka('shop.orders') }).end();
    tracer.startSpan('not messaging', { kind: SpanKind.PRODUCER }).end();
    const text = await red.registry.metrics();
    expect(text).toMatch(/messaging_client_operation_duration_seconds_count\{operation="publish",topic="shop.orders",system="kafka"\} 2/);
    expect(text).toMatch(/messaging_client_operation_duration_seconds_count\{operation="process",topic="shop.orders",system="kafka"\} 1/);
    expect(text).not.toContain('operation="receive"');
    // the receive span is not an HTTP or database call either
    expect(text).not.toMatch(/http_client_requests_total\{/);
  });

  it('sets the lag per group and partition and the outbox backlog; ignores what is not a number', async () => {
    const { red, metrics } = setUp();
    const messaging = createMessaging(metrics);
    messaging.consumerLag([
      { group: 'fulfilment', topic: 'shop.orders', partition: 0, lag: 4 },
      { group: 'fulfilment', topic: 'shop.orders', partition: 1, lag: -2 },
      { group: 'fulfilment', topic: 'shop.orders', partition: 2, lag: Number.NaN },
    ]);
    messaging.outboxBacklog({ outbox: 'orders', pending: 12, oldestAgeSeconds: 41.5 });
    messaging.outboxBacklog({ outbox: 'orders', pending: Number.POSITIVE_INFINITY, oldestAgeSeconds: 1 });
    const text = await red.registry.metrics();
    expect(text).toContain('messaging_kafka_consumer_lag{group="fulfilment",topic="shop.orders",partition="0"} 4');
    expect(text).toContain('messaging_kafka_consumer_lag{group="fulfilment",topic="shop.orders",partition="1"} 0');
    expect(text).not.toContain('partition="2"');
    expect(text).toContain('outbox_pending_events{outbox="orders"} 12');
    expect(text).toContain('outbox_oldest_pending_age_seconds{outbox="orders"} 41.5');
  });

  it('without metrics every call is a no-op, and a bad traceparent runs the function as it is', () => {
    const messaging = createMessaging(undefined);
    expect(() => messaging.consumerLag([{ group: 'g', topic: 't', partition: 0, lag: 1 }])).not.toThrow();
    expect(() => messaging.outboxBacklog({ outbox: 'o', pending: 1, oldestAgeSeconds: 1 })).not.toThrow();
    expect(messaging.withTraceparent('not-a-traceparent', () => 42)).toBe(42);
    expect(messaging.withTraceparent(undefined, () => 'ran')).toBe('ran');
    expect(messaging.untraced(() => 'quiet')).toBe('quiet');
    expect(messaging.traceparent()).toBeUndefined();
  });
});
