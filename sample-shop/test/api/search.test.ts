import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, dbMode, type TestShop } from '../support/shop.ts';
import { api } from '../support/client.ts';
import { seedProducts } from '../../src/shared/seed.ts';

// Product search on the database's full-text index: SQLite FTS5 in shop-sqlite, PostgreSQL's
// text search in shop-postgres (the same test, run by both projects).

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop();
});
afterAll(async () => shop?.stop());

interface Item {
  id: string;
  name: string;
  sku: string;
}

async function search(q: string, extra = '') {
  const res = await api<{ items: Item[]; total: number }>(shop.url, 'GET', `/api/products?q=${encodeURIComponent(q)}${extra}`);
  expect(res.status, `search ${JSON.stringify(q)}`).toBe(200);
  return res.body;
}

const kettles = seedProducts.filter((p) => p.name.includes('Kettle'));

describe(`product search (${dbMode === 'sqlite' ? 'SQLite FTS5' : 'PostgreSQL full-text'})`, () => {
  it('finds products by word and by word prefix, in any case', async () => {
    for (const q of ['kettle', 'KETTLE', 'kett', 'Kettles']) {
      const found = await search(q, '&limit=100');
      if (q === 'Kettles') expect(found.total).toBe(0);
      else expect(found.items.map((i) => i.id).sort()).toEqual(kettles.map((p) => p.id).sort());
    }
    const two = await search('nordic kettle');
    expect(two.items.map((i) => i.name)).toEqual(['Nordic Kettle']);
    const sku = await search(seedProducts[42]!.sku);
    expect(sku.items[0]!.id).toBe(seedProducts[42]!.id);
  });

  it('ranks name matches above description-only matches and follows writes to the table', async () => {
    const db = shop.db('catalog');
    await db.run(
      `INSERT INTO catalog_products (id, sku, name, category, description, price_cents, currency) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ['p-9001', 'SKU-TST-001', 'Tea Tray', 'kitchen', 'Carries a kettle and four cups.', 1999, 'EUR'],
    );
    const ranked = await search('kettle', '&limit=100');
    expect(ranked.total).toBe(kettles.length + 1);
    expect(ranked.items.at(-1)!.id).toBe('p-9001');
    await db.run(`UPDATE catalog_products SET name = 'Kettle Kettle Tray', description = 'A tray.' WHERE id = 'p-9001'`);
    expect((await search('kettle', '&limit=100')).items[0]!.id).toBe('p-9001');
    expect((await search('tray')).items.map((i) => i.id)).toEqual(['p-9001']);
    await db.run(`DELETE FROM catalog_products WHERE id = 'p-9001'`);
    expect((await search('tray')).total).toBe(0);
  });

  it('pages ranked results and combines them with a category', async () => {
    const first = await search('classic', '&limit=3');
    const second = await search('classic', '&limit=3&offset=3');
    expect(first.total).toBe(seedProducts.filter((p) => p.name.startsWith('Classic')).length);
    expect(new Set([...first.items, ...second.items].map((i) => i.id)).size).toBe(6);
    const books = await search('classic', '&category=books&limit=100');
    expect(books.total).toBe(5);
  });

  it('reads search syntax in the input as plain words, never as an error', async () => {
    for (const q of ['"kettle', 'kettle*', 'kettle:*', 'NEAR(kettle', '-kettle', '(kettle)', "kettle'", 'kettle & | !', 'name:kettle']) {
      const found = await search(q);
      const words = q.toLowerCase().match(/[a-z]+/g)!;
      if (words.length === 1) expect(found.total, q).toBe(kettles.length);
      else expect(found.total, q).toBeGreaterThanOrEqual(0);
    }
    for (const q of ['%', '"', '*', '\\', ':', 'AND', 'OR NOT', '   ', '\u0000']) {
      const found = await search(q);
      expect(found.total, JSON.stringify(q)).toBeGreaterThanOrEqual(0);
    }
    expect((await search('%')).total).toBe(0);
    expect((await search('x'.repeat(100))).total).toBe(0);
  });
});
