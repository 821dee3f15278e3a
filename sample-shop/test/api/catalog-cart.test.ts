import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api } from '../support/client.ts';
import { seedProducts } from '../../src/shared/seed.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop();
});
afterAll(async () => shop?.stop());

describe('catalog', () => {
  it('lists the seeded catalogue with the documented shape and paging', async () => {
    const res = await api(shop.url, 'GET', '/api/products?limit=5&offset=10');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(seedProducts.length);
    expect(res.body.items).toHaveLength(5);
    const item = res.body.items[0];
    expect(Object.keys(item)).toEqual(expect.arrayContaining(['id', 'sku', 'name', 'category', 'price', 'stock']));
    expect(item.price).toEqual({ amount: expect.any(Number), currency: 'EUR' });
    expect(item.id).toBe(seedProducts[10]!.id);
    expect(item.stock).toBe(seedProducts[10]!.initialStock);
  });

  it('searches by text (case-insensitive, wildcard-safe) and filters by category', async () => {
    const kettles = await api(shop.url, 'GET', '/api/products?q=KETTLE');
    expect(kettles.body.total).toBeGreaterThan(0);
    expect(kettles.body.items.every((p: { name: string }) => /kettle/i.test(p.name))).toBe(true);
    expect((await api(shop.url, 'GET', '/api/products?q=%25')).body.total).toBe(0);
    const books = await api(shop.url, 'GET', '/api/products?category=books&limit=100');
    expect(books.body.total).toBe(25);
    expect(books.body.items.every((p: { category: string }) => p.category === 'books')).toBe(true);
    const both = await api(shop.url, 'GET', '/api/products?category=kitchen&q=kettle');
    expect(both.body.items.every((p: { category: string }) => p.category === 'kitchen')).toBe(true);
    const categories = await api(shop.url, 'GET', '/api/categories');
    expect(categories.body.items).toHaveLength(8);
  });

  it('answers 404 for unknown products and 400 for bad paging', async () => {
    const missing = await api(shop.url, 'GET', '/api/products/p-9999');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('product_not_found');
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'limit=1.5']) {
      const res = await api(shop.url, 'GET', `/api/products?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });
});

describe('cart', () => {
  it('adds items, merges quantities and shows prices', async () => {
    const { id } = (await api(shop.url, 'POST', '/api/carts')).body;
    expect((await api(shop.url, 'POST', `/api/carts/${id}/items`, { productId: 'p-0001', quantity: 2 })).status).toBe(201);
    const res = await api(shop.url, 'POST', `/api/carts/${id}/items`, { productId: 'p-0001', quantity: 3 });
    expect(res.body.items).toEqual([expect.objectContaining({ productId: 'p-0001', quantity: 5 })]);
    const unit = seedProducts[0]!.priceCents;
    expect(res.body.total.amount).toBeCloseTo((unit * 5) / 100, 2);
    const view = await api(shop.url, 'GET', `/api/carts/${id}`);
    expect(view.body).toEqual(res.body);
    const removed = await api(shop.url, 'DELETE', `/api/carts/${id}/items/p-0001`);
    expect(removed.body.items).toEqual([]);
  });

  it('rejects bad quantities, unknown products and unknown carts with 4xx', async () => {
    const { id } = (await api(shop.url, 'POST', '/api/carts')).body;
    for (const quantity of [0, -1, 1.5, 100, 1e12, '2', null]) {
      const res = await api(shop.url, 'POST', `/api/carts/${id}/items`, { productId: 'p-0001', quantity });
      expect({ quantity, status: res.status }).toEqual({ quantity, status: 400 });
    }
    await api(shop.url, 'POST', `/api/carts/${id}/items`, { productId: 'p-0001', quantity: 99 });
    const over = await api(shop.url, 'POST', `/api/carts/${id}/items`, { productId: 'p-0001', quantity: 1 });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('quantity_limit');
    const unknown = await api(shop.url, 'POST', `/api/carts/${id}/items`, { productId: 'p-nope', quantity: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('product_not_found');
    const noCart = await api(shop.url, 'GET', '/api/carts/c-missing');
    expect(noCart.status).toBe(404);
    expect(noCart.body.error.code).toBe('cart_not_found');
    const badJson = await api(shop.url, 'POST', `/api/carts/${id}/items`, '{"productId":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error.code).toBe('invalid_json');
  });
});
