import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';

export type ReservationStatus = 'reserved' | 'committed' | 'released';

export interface ReservationItem {
  productId: string;
  quantity: number;
}

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  items: ReservationItem[];
}

async function load(db: Db, orderId: string): Promise<Reservation | undefined> {
  const row = await db.get<{ status: ReservationStatus }>('SELECT status FROM inventory_reservations WHERE order_id = ?', [orderId]);
  if (!row) return undefined;
  const items = await db.all<{ product_id: string; quantity: number }>(
    'SELECT product_id, quantity FROM inventory_reservation_items WHERE order_id = ? ORDER BY product_id',
    [orderId],
  );
  return { orderId, status: row.status, items: items.map((i) => ({ productId: i.product_id, quantity: i.quantity })) };
}

export function getReservation(db: Db, orderId: string): Promise<Reservation | undefined> {
  return load(db, orderId);
}

/**
 * Takes stock for every line or for none. Each decrement is one conditional UPDATE, so two
 * checkouts can never both take the last unit (PostgreSQL re-checks the condition after the
 * row lock; SQLite runs one writer at a time). Lines are taken in id order so that two
 * multi-line reservations never deadlock. Repeating a reservation for the same order is a no-op.
 */
export async function reserve(db: Db, orderId: string, items: ReservationItem[]): Promise<Reservation> {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  const lines = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return db.transaction(async (tx) => {
    const existing = await load(tx, orderId);
    if (existing) return existing;
    for (const [productId, quantity] of lines) {
      const changed = await tx.run('UPDATE inventory_stock SET available = available - ? WHERE product_id = ? AND available >= ?', [
        quantity,
        productId,
        quantity,
      ]);
      if (changed === 0) {
        const known = await tx.get('SELECT 1 AS x FROM inventory_stock WHERE product_id = ?', [productId]);
        if (!known) throw new ShopError('product_not_found', `no stock record for product ${productId}`);
        throw new ShopError('out_of_stock', `not enough stock for product ${productId}`, { productId, requested: quantity });
      }
    }
    const now = Date.now();
    await tx.run('INSERT INTO inventory_reservations (order_id, status, created_at, updated_at) VALUES (?, ?, ?, ?)', [
      orderId,
      'reserved',
      now,
      now,
    ]);
    for (const [productId, quantity] of lines) {
      await tx.run('INSERT INTO inventory_reservation_items (order_id, product_id, quantity) VALUES (?, ?, ?)', [
        orderId,
        productId,
        quantity,
      ]);
    }
    return { orderId, status: 'reserved', items: lines.map(([productId, quantity]) => ({ productId, quantity })) };
  });
}

/** The stock stays taken for good. Idempotent. */
export async function commit(db: Db, orderId: string): Promise<Reservation> {
  return db.transaction(async (tx) => {
    const existing = await load(tx, orderId);
    if (!existing) throw new ShopError('not_found', `no reservation for order ${orderId}`);
    if (existing.status === 'released')
      throw new ShopError('reservation_conflict', `reservation for order ${orderId} was already released`);
    if (existing.status === 'reserved') {
      await tx.run("UPDATE inventory_reservations SET status = 'committed', updated_at = ? WHERE order_id = ?", [Date.now(), orderId]);
    }
    return { ...existing, status: 'committed' };
  });
}

/**
 * Gives the stock back. Idempotent; releasing an order that never reserved leaves a
 * tombstone so that a reservation arriving late (after a timeout) cannot take stock.
 */
export async function release(db: Db, orderId: string): Promise<Reservation> {
  return db.transaction(async (tx) => {
    const existing = await load(tx, orderId);
    const now = Date.now();
    if (!existing) {
      await tx.run('INSERT INTO inventory_reservations (order_id, status, created_at, updated_at) VALUES (?, ?, ?, ?)', [
        orderId,
        'released',
        now,
        now,
      ]);
      return { orderId, status: 'released', items: [] };
    }
    if (existing.status === 'committed')
      throw new ShopError('reservation_conflict', `reservation for order ${orderId} is already committed`);
    if (existing.status === 'reserved') {
      const changed = await tx.run(
        "UPDATE inventory_reservations SET status = 'released', updated_at = ? WHERE order_id = ? AND status = 'reserved'",
        [now, orderId],
      );
      if (changed === 1) {
        for (const item of existing.items) {
          await tx.run('UPDATE inventory_stock SET available = available + ? WHERE product_id = ?', [item.quantity, item.productId]);
        }
      }
    }
    return { ...existing, status: 'released' };
  });
}
