import type { Db } from '../shared/db.ts';
import { migrateOutbox, recordOrderEvent } from './outbox.ts';

export type OrderStatus = 'pending' | 'confirmed' | 'payment_failed' | 'failed';

export interface OrderRow {
  id: string;
  idempotency_key: string | null;
  request_hash: string;
  cart_id: string;
  email: string;
  status: OrderStatus;
  failure_code: string | null;
  total_cents: number;
  currency: string;
  created_at: number;
  updated_at: number;
}

export interface OrderItemRow {
  order_id: string;
  product_id: string;
  name: string;
  quantity: number;
  unit_price_cents: number;
}

/**
 * A cart has at most one live order (pending or confirmed): the unique index makes the database
 * refuse a second one, whatever the number of processes, keys or restarts. A failed order
 * leaves the index, so the shopper can pay again.
 */
export async function migrateOrders(db: Db): Promise<void> {
  await migrateOutbox(db);
  await db.exec(`
    CREATE TABLE IF NOT EXISTS orders_orders (
      id TEXT PRIMARY KEY,
      idempotency_key TEXT UNIQUE,
      request_hash TEXT NOT NULL,
      cart_id TEXT NOT NULL,
      email TEXT NOT NULL,
      status TEXT NOT NULL,
      failure_code TEXT,
      total_cents INTEGER NOT NULL,
      currency TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS orders_orders_status ON orders_orders (status, updated_at);
    CREATE UNIQUE INDEX IF NOT EXISTS orders_orders_live_cart ON orders_orders (cart_id) WHERE status IN ('pending', 'confirmed');
    CREATE TABLE IF NOT EXISTS orders_items (
      order_id TEXT NOT NULL,
      product_id TEXT NOT NULL,
      name TEXT NOT NULL,
      quantity INTEGER NOT NULL,
      unit_price_cents INTEGER NOT NULL,
      PRIMARY KEY (order_id, product_id)
    );
  `);
}

export function loadOrder(db: Db, id: string) {
  return db.get<OrderRow>('SELECT * FROM orders_orders WHERE id = ?', [id]);
}

export function loadOrderByKey(db: Db, key: string) {
  return db.get<OrderRow>('SELECT * FROM orders_orders WHERE idempotency_key = ?', [key]);
}

export function loadOrderItems(db: Db, id: string) {
  return db.all<OrderItemRow>('SELECT * FROM orders_items WHERE order_id = ? ORDER BY product_id', [id]);
}

/**
 * Moves a pending order to its final status; a no-op if something else settled it first. The
 * order's event (`order.paid` when confirmed, `order.cancelled` otherwise) is written to the
 * outbox in the same transaction.
 */
export async function settleOrder(
  db: Db,
  id: string,
  status: Exclude<OrderStatus, 'pending'>,
  failureCode: string | null,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const changed = await tx.run(
      "UPDATE orders_orders SET status = ?, failure_code = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
      [status, failureCode, Date.now(), id],
    );
    if (changed !== 1) return false;
    const order = await loadOrder(tx, id);
    if (order) {
      const facts = { orderId: id, totalCents: Number(order.total_cents), currency: order.currency, email: order.email };
      await recordOrderEvent(tx, status === 'confirmed' ? 'order.paid' : 'order.cancelled', facts);
    }
    return true;
  });
}
