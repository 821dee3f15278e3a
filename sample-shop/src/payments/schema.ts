import type { Db } from '../shared/db.ts';

/** The charges table; a charge a crash caught mid-flight is settled as failed at start. */
export async function migratePayments(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS payments_charges (
      order_id TEXT PRIMARY KEY,
      amount_cents INTEGER NOT NULL,
      currency TEXT NOT NULL,
      card_last4 TEXT NOT NULL,
      status TEXT NOT NULL,
      failure_code TEXT,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
  `);
  // A charge caught mid-flight by a crash never reached the provider's answer: it failed.
  await db.run("UPDATE payments_charges SET status = 'failed', failure_code = 'interrupted', updated_at = ? WHERE status = 'processing'", [
    Date.now(),
  ]);
}
