// The order events' two guarantees that need no broker: an order's change of state and its
// event commit together (the outbox), and fulfilment handles an event once however often it
// is delivered.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/shared/db.ts';
import { parseOrderEvent, type OrderEvent } from '../../src/events/order-events.ts';
import { migrateOrders, settleOrder } from '../../src/orders/schema.ts';
import { outboxBacklog, pendingEvents, markPublished, type OutboxRow } from '../../src/orders/outbox.ts';
import { handleOrderEvent } from '../../src/fulfilment/handle-event.ts';
import { migrateFulfilment } from '../../src/fulfilment/schema.ts';

let db: Db;
beforeEach(() => {
  db = openDb({ sqlitePath: ':memory:' });
});
afterEach(async () => db.close());

const paid = (orderId: string): OrderEvent => ({
  eventId: randomUUID(),
  type: 'order.paid',
  orderId,
  totalCents: 2599,
  currency: 'EUR',
  email: 'shopper@example.com',
  occurredAt: new Date().toISOString(),
});

describe('fulfilment handles an event once', () => {
  beforeEach(async () => migrateFulfilment(db));

  it('the same event twice reserves one shipment and mails one receipt', async () => {
    const event = paid('o-1');
    expect(await handleOrderEvent(db, event)).toBe('handled');
    expect(await handleOrderEvent(db, event)).toBe('duplicate');
    expect(await db.all('SELECT order_id, status FROM fulfilment_shipments')).toEqual([{ order_id: 'o-1', status: 'reserved' }]);
    expect(await db.all('SELECT order_id, recipient FROM fulfilment_mail')).toEqual([
      { order_id: 'o-1', recipient: 'shopper@example.com' },
    ]);
  });

  it('a cancellation releases the shipment, once', async () => {
    await handleOrderEvent(db, paid('o-2'));
    const cancelled: OrderEvent = { ...paid('o-2'), type: 'order.cancelled' };
    expect(await handleOrderEvent(db, cancelled)).toBe('handled');
    expect(await handleOrderEvent(db, cancelled)).toBe('duplicate');
    expect(await db.get('SELECT status FROM fulfilment_shipments WHERE order_id = ?', ['o-2'])).toEqual({ status: 'released' });
  });

  it('a payload that is not an order event is one clear error, not a crash', () => {
    expect(parseOrderEvent(null)).toBeInstanceOf(Error);
    expect((parseOrderEvent(Buffer.from('{oops')) as Error).message).toBe('not JSON');
    expect((parseOrderEvent(JSON.stringify({ ...paid('o-3'), type: 'order.shipped' })) as Error).message).toMatch(/^not an order event/);
    expect(parseOrderEvent(JSON.stringify(paid('o-3')))).toMatchObject({ type: 'order.paid', orderId: 'o-3' });
  });
});

describe('the orders outbox', () => {
  beforeEach(async () => {
    await migrateOrders(db);
    const now = Date.now();
    await db.run(
      `INSERT INTO orders_orders (id, idempotency_key, request_hash, cart_id, email, status, failure_code, total_cents, currency, created_at, updated_at)
       VALUES ('o-9', NULL, 'h', 'c-9', 'nine@example.com', 'pending', NULL, 1250, 'EUR', ?, ?)`,
      [now, now],
    );
  });

  it('settling an order writes its event in the same transaction, once', async () => {
    expect(await settleOrder(db, 'o-9', 'confirmed', null)).toBe(true);
    expect(await settleOrder(db, 'o-9', 'failed', 'late')).toBe(false);
    const rows = await pendingEvents(db, 10);
    expect(rows.map((r: OutboxRow) => [r.event_type, r.event_key, r.topic])).toEqual([['order.paid', 'o-9', 'shop.orders']]);
    expect(parseOrderEvent(rows[0]!.payload)).toMatchObject({
      type: 'order.paid',
      orderId: 'o-9',
      totalCents: 1250,
      email: 'nine@example.com',
    });
    expect(await outboxBacklog(db)).toMatchObject({ pending: 1, published: 0 });
    await markPublished(db, rows[0]!.event_id);
    expect(await outboxBacklog(db)).toEqual({ pending: 0, published: 1, oldestAgeSeconds: 0 });
  });

  it('a failed transaction leaves neither the change nor the event', async () => {
    await expect(
      db.transaction(async (tx) => {
        await settleOrder(tx, 'o-9', 'payment_failed', 'card_declined');
        throw new Error('the caller fails after settling');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await db.get("SELECT status FROM orders_orders WHERE id = 'o-9'")).toEqual({ status: 'pending' });
    expect(await pendingEvents(db, 10)).toEqual([]);
  });
});
