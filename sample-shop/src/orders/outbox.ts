import { randomUUID } from 'node:crypto';
import type { Db } from '../shared/db.ts';
import { EVENT_TYPE_HEADER, ORDER_EVENTS_TOPIC, type OrderEvent, type OrderEventType } from '../events/order-events.ts';
import { messagingTelemetry } from '../events/messaging-telemetry.ts';

/**
 * The transactional outbox: an order's event is a row written in the same transaction as the
 * order's change of state, so the two commit together or not at all; the relay
 * (outbox-relay.ts) publishes the rows later. A broker outage delays events and loses none.
 * The row keeps the `traceparent` of the request that wrote it, so the publish (and the
 * consumer after it) joins that request's trace however late it happens.
 */
export async function migrateOutbox(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS orders_outbox (
      event_id TEXT PRIMARY KEY,
      topic TEXT NOT NULL,
      event_key TEXT NOT NULL,
      event_type TEXT NOT NULL,
      payload TEXT NOT NULL,
      traceparent TEXT,
      created_at BIGINT NOT NULL,
      published_at BIGINT
    );
    CREATE INDEX IF NOT EXISTS orders_outbox_pending ON orders_outbox (published_at, created_at);
  `);
}

export interface OutboxRow {
  event_id: string;
  topic: string;
  event_key: string;
  event_type: OrderEventType;
  payload: string;
  traceparent: string | null;
  created_at: number;
  published_at: number | null;
}

export interface OrderFacts {
  orderId: string;
  totalCents: number;
  currency: string;
  email: string;
}

/** Writes an order event into the outbox; call it with the transaction that changes the order. */
export async function recordOrderEvent(tx: Db, type: OrderEventType, order: OrderFacts): Promise<OrderEvent> {
  const now = Date.now();
  const event: OrderEvent = { eventId: randomUUID(), type, ...order, occurredAt: new Date(now).toISOString() };
  await tx.run(
    'INSERT INTO orders_outbox (event_id, topic, event_key, event_type, payload, traceparent, created_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)',
    [event.eventId, ORDER_EVENTS_TOPIC, order.orderId, type, JSON.stringify(event), messagingTelemetry.traceparent() ?? null, now],
  );
  return event;
}

/** The oldest unpublished rows first. */
export function pendingEvents(db: Db, limit: number): Promise<OutboxRow[]> {
  return db.all<OutboxRow>('SELECT * FROM orders_outbox WHERE published_at IS NULL ORDER BY created_at, event_id LIMIT ?', [limit]);
}

export async function markPublished(db: Db, eventId: string): Promise<void> {
  await db.run('UPDATE orders_outbox SET published_at = ? WHERE event_id = ?', [Date.now(), eventId]);
}

export interface OutboxBacklog {
  pending: number;
  oldestAgeSeconds: number;
  published: number;
}

export async function outboxBacklog(db: Db): Promise<OutboxBacklog> {
  const row = await db.get<{ pending: number; oldest: number | null; published: number }>(
    `SELECT COALESCE(SUM(CASE WHEN published_at IS NULL THEN 1 ELSE 0 END), 0) AS pending,
            MIN(CASE WHEN published_at IS NULL THEN created_at END) AS oldest,
            COALESCE(SUM(CASE WHEN published_at IS NULL THEN 0 ELSE 1 END), 0) AS published
       FROM orders_outbox`,
  );
  const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
  return {
    pending: Number(row?.pending ?? 0),
    oldestAgeSeconds: oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000),
    published: Number(row?.published ?? 0),
  };
}

/** Published rows older than `keepMs` go: the outbox is a queue, not an archive. */
export function prunePublished(db: Db, keepMs: number): Promise<number> {
  return db.run('DELETE FROM orders_outbox WHERE published_at IS NOT NULL AND published_at < ?', [Date.now() - keepMs]);
}

/** The Kafka message of a row: keyed by order id, the type and the trace context in headers. */
export function messageOf(row: OutboxRow): { key: string; value: string; headers: Record<string, string> } {
  return { key: row.event_key, value: row.payload, headers: { [EVENT_TYPE_HEADER]: row.event_type } };
}
