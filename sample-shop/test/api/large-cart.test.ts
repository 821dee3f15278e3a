import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api, cartWith, checkout, goodCard } from '../support/client.ts';
import { seedProducts } from '../../src/shared/seed.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop();
});
afterAll(async () => shop?.stop());

describe('a cart of more than 100 distinct products', () => {
  it('is priced in full and checks out', async () => {
    const products = seedProducts.slice(30, 180);
    const cartId = await cartWith(
      shop.url,
      products.map((p) => ({ productId: p.id, quantity: 1 })),
    );
    const totalCents = products.reduce((sum, p) => sum + p.priceCents, 0);

    const cart = await api(shop.url, 'GET', `/api/carts/${cartId}`);
    expect(cart.status).toBe(200);
    expect(cart.body.items).toHaveLength(products.length);
    expect(cart.body.items.filter((i: { unitPrice: unknown }) => i.unitPrice === null)).toEqual([]);
    expect(Math.round(cart.body.total.amount * 100)).toBe(totalCents);

    const res = await checkout(shop.url, cartId, goodCard, 'large-cart');
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('confirmed');
    expect(Math.round(res.body.total.amount * 100)).toBe(totalCents);

    const order = await api(shop.url, 'GET', `/api/orders/${res.body.orderId}`);
    expect(order.body.items).toHaveLength(products.length);
    const stock = await shop.db('inventory').all<{ product_id: string; available: number }>(
      `SELECT product_id, available FROM inventory_stock WHERE product_id IN (${products.map(() => '?').join(', ')})`,
      products.map((p) => p.id),
    );
    const initial = new Map(products.map((p) => [p.id, p.initialStock]));
    expect(stock.filter((s) => s.available !== initial.get(s.product_id)! - 1)).toEqual([]);
    expect(stock).toHaveLength(products.length);
  });
});
