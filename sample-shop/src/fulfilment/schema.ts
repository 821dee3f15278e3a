import type { Db } from '../shared/db.ts';

/**
 * fulfilment's tables: the events it has handled (the idempotency record: an event id is
 * handled once, however often the broker delivers it), the shipments it reserved, and the
 * receipts its fake mail sink "sent".
 */
export async function migrateFulfilment(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS fulfilment_processed_events (
      event_id TEXT PRIMARY KEY,
      event_type TEXT NOT NULL,
      order_id TEXT NOT NULL,
      processed_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS fulfilment_shipments (
      order_id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      total_cents INTEGER NOT NULL,
      currency TEXT NOT NULL,
      reserved_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS fulfilment_mail (
      id TEXT PRIMARY KEY,
      order_id TEXT NOT NULL,
      recipient TEXT NOT NULL,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      sent_at BIGINT NOT NULL
    );
  `);
}

export type ShipmentStatus = 'reserved' | 'released';

export interface ShipmentRow {
  order_id: string;
  status: ShipmentStatus;
  total_cents: number;
  currency: string;
  reserved_at: number;
  updated_at: number;
}

export interface MailRow {
  id: string;
  order_id: string;
  recipient: string;
  subject: string;
  body: string;
  sent_at: number;
}
