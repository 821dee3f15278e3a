import type { Db } from '../shared/db.ts';
import type { EventPublisher } from '../events/event-bus.ts';
import { messagingTelemetry } from '../events/messaging-telemetry.ts';
import { markPublished, messageOf, outboxBacklog, pendingEvents, prunePublished } from './outbox.ts';

export interface RelayOptions {
  db: Db;
  publisher: EventPublisher;
  /** How often the outbox is read when the last read found nothing. */
  intervalMs?: number;
  /** The longest wait between attempts while the broker is away. */
  maxBackoffMs?: number;
  log: (level: 'info' | 'warn', fields: Record<string, unknown>, message: string) => void;
}

export interface OutboxRelay {
  stop(): Promise<void>;
}

const BATCH = 100;
const KEEP_PUBLISHED_MS = 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60_000;

/**
 * Publishes the outbox's rows in order, each inside the trace context its row kept, and marks
 * each one published once the broker has it. While the broker is away it waits longer between
 * attempts (up to `maxBackoffMs`), keeps every row, and says so once per outage, not per
 * attempt; it never throws. Its own reads and writes are kept out of the traces: a poll every
 * quarter second would otherwise be a trace every quarter second.
 */
export function startOutboxRelay(options: RelayOptions): OutboxRelay {
  const { db, publisher, log } = options;
  const intervalMs = options.intervalMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 5_000;
  let stopped = false;
  let outageSince: number | undefined;
  let backoffMs = intervalMs;
  let lastPrune = 0;
  let wake: (() => void) | undefined;
  // A wait that stop() cuts short, so closing the service never waits out a backoff.
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const untraced = <T>(fn: () => Promise<T>) => messagingTelemetry.untraced(fn);

  async function publishPending(): Promise<number> {
    const rows = await untraced(() => pendingEvents(db, BATCH));
    let published = 0;
    for (const row of rows) {
      if (stopped) break;
      await messagingTelemetry.withTraceparent(row.traceparent ?? undefined, () => publisher.publish(row.topic, [messageOf(row)]));
      await untraced(() => markPublished(db, row.event_id));
      published++;
    }
    return published;
  }

  async function report(): Promise<void> {
    const backlog = await untraced(() => outboxBacklog(db));
    messagingTelemetry.outboxBacklog({ outbox: 'orders', pending: backlog.pending, oldestAgeSeconds: backlog.oldestAgeSeconds });
    if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
      lastPrune = Date.now();
      await untraced(() => prunePublished(db, KEEP_PUBLISHED_MS));
    }
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      let published = 0;
      try {
        published = await publishPending();
        if (outageSince !== undefined) {
          log(
            'info',
            { event: 'outbox.recovered', outageSeconds: (Date.now() - outageSince) / 1000 },
            'outbox relay: broker back, publishing again',
          );
        }
        outageSince = undefined;
        backoffMs = intervalMs;
      } catch (err) {
        if (outageSince === undefined) {
          outageSince = Date.now();
          log('warn', { event: 'outbox.publish_failed', error: String(err) }, 'outbox relay: cannot publish, events wait in the outbox');
        }
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
      }
      try {
        await report();
      } catch {
        // the database is away: the next round measures again
      }
      if (stopped) break;
      // A full batch means more are waiting: go again at once.
      if (published < BATCH || outageSince !== undefined) await pause(outageSince === undefined ? intervalMs : backoffMs);
    }
  }

  const running = loop();
  return {
    async stop() {
      stopped = true;
      wake?.();
      // A publish under way waits out the client's own bounded retries (a few seconds at most).
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await publisher.close();
    },
  };
}
