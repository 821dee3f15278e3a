import type { Db } from '../shared/db.ts';
import type { FlagStore } from '../shared/flags.ts';
import type { EventConsumer, IncomingEvent, PartitionLag } from '../events/event-bus.ts';
import { eventLog } from '../events/event-log.ts';
import { messagingTelemetry } from '../events/messaging-telemetry.ts';
import { parseOrderEvent } from '../events/order-events.ts';
import { handleOrderEvent } from './handle-event.ts';

export const FULFILMENT_GROUP = 'fulfilment';

export interface ConsumerState {
  paused: boolean;
  handled: number;
  duplicates: number;
  rejected: number;
  /** Undefined until the first measurement, or while the broker is away. */
  lag: PartitionLag[] | undefined;
}

export interface RunningConsumer {
  state(): ConsumerState;
  stop(): Promise<void>;
}

export interface ConsumeOptions {
  db: Db;
  consumer: EventConsumer;
  flags: FlagStore;
  /** How often the group's lag is measured and handed to the agent. */
  lagIntervalMs?: number;
}

/**
 * Consumes the order events as group `fulfilment`. The `fulfilmentPaused` fault flag pauses the
 * consumer (the group keeps its partitions, so the lag grows, as when a consumer hangs); turning
 * it off resumes it. A message that is not an order event is logged and skipped, never retried.
 */
export function startConsuming(options: ConsumeOptions): RunningConsumer {
  const { db, consumer, flags } = options;
  const counts = { handled: 0, duplicates: 0, rejected: 0 };
  let lag: PartitionLag[] | undefined;

  consumer.start(async (message: IncomingEvent) => {
    const event = parseOrderEvent(message.value);
    if (event instanceof Error) {
      counts.rejected++;
      eventLog(
        'warn',
        { event: 'fulfilment.bad_event', partition: message.partition, offset: message.offset },
        `skipped: ${event.message}`,
      );
      return;
    }
    const outcome = await handleOrderEvent(db, event);
    if (outcome === 'duplicate') counts.duplicates++;
    else counts.handled++;
  });

  const followFlag = () => {
    const wanted = flags.get().fulfilmentPaused;
    if (wanted && !consumer.paused) consumer.pause();
    else if (!wanted && consumer.paused) consumer.resume();
  };
  followFlag();
  const flagTimer = setInterval(followFlag, 250);

  let measuring = false;
  const measure = async () => {
    if (measuring) return;
    measuring = true;
    try {
      lag = await consumer.lag();
      if (lag) messagingTelemetry.consumerLag(lag.map((p) => ({ group: FULFILMENT_GROUP, ...p })));
    } finally {
      measuring = false;
    }
  };
  const lagTimer = setInterval(() => void measure(), options.lagIntervalMs ?? 2_000);
  for (const timer of [flagTimer, lagTimer]) timer.unref();

  return {
    state: () => ({ paused: consumer.paused, ...counts, lag }),
    async stop() {
      clearInterval(flagTimer);
      clearInterval(lagTimer);
      await consumer.close();
    },
  };
}
