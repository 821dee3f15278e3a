import type { Db } from '../shared/db.ts';

export async function migrateCart(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS cart_carts (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS cart_items (
      cart_id TEXT NOT NULL,
      product_id TEXT NOT NULL,
      quantity INTEGER NOT NULL,
      PRIMARY KEY (cart_id, product_id)
    );
  `);
}
