import type { Db } from '../shared/db.ts';
import type { OrderEvent } from '../events/order-events.ts';

export type HandleOutcome = 'handled' | 'duplicate';

/**
 * Handles one order event exactly once: the event id is recorded in the same transaction as
 * its effects, so a redelivery (the broker's at-least-once, the outbox relay publishing again
 * after a crash between publish and mark) finds it recorded and does nothing.
 *   order.paid      → reserve the shipment and mail the receipt (the fake mail sink)
 *   order.cancelled → release a reserved shipment
 *   order.placed    → recorded only: nothing ships before it is paid
 */
export async function handleOrderEvent(db: Db, event: OrderEvent): Promise<HandleOutcome> {
  return db.transaction(async (tx) => {
    const now = Date.now();
    const fresh = await tx.run(
      'INSERT INTO fulfilment_processed_events (event_id, event_type, order_id, processed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      [event.eventId, event.type, event.orderId, now],
    );
    if (fresh === 0) return 'duplicate';
    if (event.type === 'order.paid') {
      await tx.run(
        `INSERT INTO fulfilment_shipments (order_id, status, total_cents, currency, reserved_at, updated_at)
         VALUES (?, 'reserved', ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [event.orderId, event.totalCents, event.currency, now, now],
      );
      await tx.run('INSERT INTO fulfilment_mail (id, order_id, recipient, subject, body, sent_at) VALUES (?, ?, ?, ?, ?, ?)', [
        event.eventId,
        event.orderId,
        event.email,
        `Your receipt for order ${event.orderId}`,
        `Thank you for your order. Paid: ${(event.totalCents / 100).toFixed(2)} ${event.currency}. It ships soon.`,
        now,
      ]);
    } else if (event.type === 'order.cancelled') {
      await tx.run("UPDATE fulfilment_shipments SET status = 'released', updated_at = ? WHERE order_id = ? AND status = 'reserved'", [
        now,
        event.orderId,
      ]);
    }
    return 'handled';
  });
}
