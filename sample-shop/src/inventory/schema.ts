import type { Db } from '../shared/db.ts';
import { seedProducts } from '../shared/seed.ts';

export async function migrateInventory(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS inventory_stock (
      product_id TEXT PRIMARY KEY,
      available INTEGER NOT NULL CHECK (available >= 0)
    );
    CREATE TABLE IF NOT EXISTS inventory_reservations (
      order_id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS inventory_reservation_items (
      order_id TEXT NOT NULL,
      product_id TEXT NOT NULL,
      quantity INTEGER NOT NULL,
      PRIMARY KEY (order_id, product_id)
    );
  `);
  const row = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM inventory_stock');
  if ((row?.n ?? 0) >= seedProducts.length) return;
  await db.transaction(async (tx) => {
    for (const p of seedProducts) {
      await tx.run('INSERT INTO inventory_stock (product_id, available) VALUES (?, ?) ON CONFLICT (product_id) DO NOTHING', [
        p.id,
        p.initialStock,
      ]);
    }
  });
}
