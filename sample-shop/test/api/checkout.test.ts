import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api, cartWith, checkout, declinedCard, goodCard } from '../support/client.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop();
});
afterAll(async () => shop?.stop());

async function stockOf(productId: string): Promise<number> {
  const res = await api(shop.url, 'GET', `/api/products/${productId}`);
  return res.body.stock;
}

async function setStock(productId: string, available: number) {
  const res = await api(shop.url, 'PUT', `/admin/stock/${productId}`, { available }, { authorization: 'Bearer test-admin-token' });
  expect(res.status).toBe(200);
}

describe('checkout', () => {
  it('confirms an order, takes the stock and closes the cart', async () => {
    const before = await stockOf('p-0002');
    const cartId = await cartWith(shop.url, [{ productId: 'p-0002', quantity: 3 }]);
    const res = await checkout(shop.url, cartId, goodCard, 'happy-1');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'confirmed', total: { currency: 'EUR' } });
    expect(res.body.orderId).toMatch(/^o-/);
    expect(await stockOf('p-0002')).toBe(before - 3);
    const order = await api(shop.url, 'GET', `/api/orders/${res.body.orderId}`);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ status: 'confirmed', items: [{ productId: 'p-0002', quantity: 3 }] });
    const again = await checkout(shop.url, cartId, goodCard, 'happy-2');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('cart_closed');
  });

  it('answers the same order for the same Idempotency-Key and charges once', async () => {
    const before = await stockOf('p-0003');
    const cartId = await cartWith(shop.url, [{ productId: 'p-0003', quantity: 2 }]);
    const [first, second] = await Promise.all([
      checkout(shop.url, cartId, goodCard, 'same-key'),
      checkout(shop.url, cartId, goodCard, 'same-key'),
    ]);
    const third = await checkout(shop.url, cartId, goodCard, 'same-key');
    expect(first.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    expect(await stockOf('p-0003')).toBe(before - 2);
    const charges = await shop
      .db('payments')
      .all<{ order_id: string }>('SELECT order_id FROM payments_charges WHERE order_id = ?', [first.body.orderId]);
    expect(charges).toHaveLength(1);
    const orders = await shop.db('orders').all('SELECT id FROM orders_orders WHERE cart_id = ?', [cartId]);
    expect(orders).toHaveLength(1);
  });

  it('charges a cart once when checkouts with different keys race', async () => {
    const before = await stockOf('p-0007');
    const cartId = await cartWith(shop.url, [{ productId: 'p-0007', quantity: 2 }]);
    // a slow provider keeps the first order pending while the others arrive
    await shop.flags.update({ paymentLatencyMs: 300 });
    let results;
    try {
      results = await Promise.all(Array.from({ length: 8 }, (_, i) => checkout(shop.url, cartId, goodCard, `tab-${i}`)));
    } finally {
      await shop.flags.update({ paymentLatencyMs: 0 });
    }
    const confirmed = results.filter((r) => r.status === 201);
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.body.status).toBe('confirmed');
    const refused = results.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(Array.from({ length: 7 }, () => [409, 'cart_checked_out']));
    expect(await stockOf('p-0007')).toBe(before - 2);
    const orders = await shop.db('orders').all<{ id: string }>('SELECT id FROM orders_orders WHERE cart_id = ?', [cartId]);
    expect(orders.map((o) => o.id)).toEqual([confirmed[0]!.body.orderId]);
    const charges = await shop.db('payments').all('SELECT order_id FROM payments_charges WHERE order_id = ?', [confirmed[0]!.body.orderId]);
    expect(charges).toHaveLength(1);
    // a refused key stored nothing: its retry answers as the cart now stands (closed)
    const loser = results.findIndex((r) => r.status !== 201);
    const retry = await checkout(shop.url, cartId, goodCard, `tab-${loser}`);
    expect([retry.status, retry.body.error?.code]).toEqual([409, 'cart_closed']);
  });

  it('refuses a second live order for a cart in the database itself', async () => {
    const db = shop.db('orders');
    const row = (id: string, status: string) => [id, null, 'hash', 'c-db-guard', 'a@example.com', status, null, 100, 'EUR', 1, 1];
    const insert = `INSERT INTO orders_orders (id, idempotency_key, request_hash, cart_id, email, status, failure_code, total_cents, currency, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
    expect(await db.run(insert, row('o-guard-1', 'payment_failed'))).toBe(1);
    expect(await db.run(insert, row('o-guard-2', 'pending'))).toBe(1);
    expect(await db.run(insert, row('o-guard-3', 'pending'))).toBe(0);
    expect(await db.run(insert, row('o-guard-4', 'confirmed'))).toBe(0);
    await db.run("UPDATE orders_orders SET status = 'failed' WHERE id = 'o-guard-2'");
    expect(await db.run(insert, row('o-guard-5', 'pending'))).toBe(1);
  });

  it('refuses a reused Idempotency-Key for a different checkout', async () => {
    const cartA = await cartWith(shop.url, [{ productId: 'p-0004', quantity: 1 }]);
    const cartB = await cartWith(shop.url, [{ productId: 'p-0004', quantity: 1 }]);
    expect((await checkout(shop.url, cartA, goodCard, 'reused')).status).toBe(201);
    const res = await checkout(shop.url, cartB, goodCard, 'reused');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('idempotency_key_reused');
  });

  it('releases the reserved stock when the card is declined', async () => {
    const before = await stockOf('p-0005');
    const cartId = await cartWith(shop.url, [{ productId: 'p-0005', quantity: 4 }]);
    const res = await checkout(shop.url, cartId, declinedCard, 'declined-1');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'payment_failed', failureReason: 'card_declined' });
    expect(await stockOf('p-0005')).toBe(before);
    const reservation = await shop
      .db('inventory')
      .get<{ status: string }>('SELECT status FROM inventory_reservations WHERE order_id = ?', [res.body.orderId]);
    expect(reservation?.status).toBe('released');
    // the cart stays open: the shopper can pay with another card
    const retry = await checkout(shop.url, cartId, goodCard, 'declined-2');
    expect(retry.body.status).toBe('confirmed');
  });

  it('sells exactly the last 10 units to 50 concurrent checkouts', async () => {
    await setStock('p-0010', 10);
    const carts = await Promise.all(Array.from({ length: 50 }, () => cartWith(shop.url, [{ productId: 'p-0010', quantity: 1 }])));
    const results = await Promise.all(carts.map((cartId, i) => checkout(shop.url, cartId, goodCard, `race-${i}`)));
    const confirmed = results.filter((r) => r.status === 201 && r.body.status === 'confirmed');
    const outOfStock = results.filter((r) => r.status === 409 && r.body.error?.code === 'out_of_stock');
    expect(confirmed).toHaveLength(10);
    expect(outOfStock).toHaveLength(40);
    expect(outOfStock[0]!.body.error.message).toMatch(/not enough stock/);
    expect(await stockOf('p-0010')).toBe(0);
  });

  it('rejects an empty cart, an unknown cart and bad payment details with 4xx', async () => {
    const empty = (await api(shop.url, 'POST', '/api/carts')).body.id as string;
    const cases: [unknown, number, string][] = [
      [{ cartId: empty, email: 'a@example.com', payment: goodCard }, 400, 'cart_empty'],
      [{ cartId: 'c-unknown', email: 'a@example.com', payment: goodCard }, 404, 'cart_not_found'],
      [{ cartId: empty, email: 'not-an-email', payment: goodCard }, 400, 'invalid_request'],
      [{ cartId: empty, email: 'a@example.com', payment: { ...goodCard, cardNumber: '4242424242424241' } }, 400, 'invalid_request'],
      [{ cartId: empty, email: 'a@example.com', payment: { ...goodCard, expiry: '01/20' } }, 400, 'invalid_request'],
      [{ cartId: empty, email: 'a@example.com', payment: { ...goodCard, cvv: '12' } }, 400, 'invalid_request'],
      [{ cartId: empty, email: 'a@example.com' }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api(shop.url, 'POST', '/api/checkout', body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
    }
    const luhn = await api(shop.url, 'POST', '/api/checkout', cases[3]![0]);
    expect(luhn.body.error.message).toMatch(/Luhn/);
  });

  it('fails the payment on a provider timeout, voids the charge and gives the stock back', async () => {
    // a shop whose orders service gives the provider only 500 ms
    const fast = await startTestShop({ SHOPSCOPE_PAYMENT_TIMEOUT_MS: '500' });
    try {
      await fast.flags.update({ paymentLatencyMs: 1500 });
      const before = (await api(fast.url, 'GET', '/api/products/p-0006')).body.stock;
      const cartId = await cartWith(fast.url, [{ productId: 'p-0006', quantity: 1 }]);
      const res = await checkout(fast.url, cartId, goodCard, 'slow-1');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'payment_failed', failureReason: 'payment_timeout' });
      // the provider answers later: its approval must not revive the voided charge
      await new Promise((r) => setTimeout(r, 1500));
      const charge = await fast
        .db('payments')
        .get<{ status: string }>('SELECT status FROM payments_charges WHERE order_id = ?', [res.body.orderId]);
      expect(charge?.status).toBe('voided');
      expect((await api(fast.url, 'GET', '/api/products/p-0006')).body.stock).toBe(before);
    } finally {
      await fast.stop();
    }
  });
});
