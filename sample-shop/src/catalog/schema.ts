import type { Db } from '../shared/db.ts';
import { seedProducts } from '../shared/seed.ts';
import { currency } from '../shared/money.ts';
import { migrateSearch } from './search.ts';

export async function migrateCatalog(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS catalog_products (
      id TEXT PRIMARY KEY,
      sku TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      category TEXT NOT NULL,
      description TEXT NOT NULL,
      price_cents INTEGER NOT NULL,
      currency TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS catalog_products_category ON catalog_products (category);
  `);
  await migrateSearch(db);
  const row = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM catalog_products');
  if ((row?.n ?? 0) >= seedProducts.length) return;
  await db.transaction(async (tx) => {
    for (const p of seedProducts) {
      await tx.run(
        `INSERT INTO catalog_products (id, sku, name, category, description, price_cents, currency)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        [p.id, p.sku, p.name, p.category, p.description, p.priceCents, currency],
      );
    }
  });
}
