import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@shopscope/testkit';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api } from '../support/client.ts';

let shop: TestShop;
let browser: Browser;
beforeAll(async () => {
  shop = await startTestShop();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await shop?.stop();
});

describe('storefront', () => {
  it('lets a shopper search, add to cart and buy a product', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(shop.url);
    await expect.poll(() => page.locator('#product-list li').count()).toBeGreaterThan(0);
    expect(await page.locator('#product-summary').textContent()).toBe('200 products');

    await page.fill('#q', 'kettle');
    await page.click('#search button[type=submit]');
    await expect.poll(() => page.locator('#product-summary').textContent()).toMatch(/^\d+ products$/);
    const names = await page.locator('#product-list h3').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => /kettle/i.test(n))).toBe(true);

    const first = page.locator('#product-list li').first();
    const productId = await first.getAttribute('data-product-id');
    const stockBefore = (await api(shop.url, 'GET', `/api/products/${productId}`)).body.stock as number;
    await first.locator('button').click();
    await expect.poll(() => page.locator('#cart-count').textContent()).toBe('1');

    await page.fill('#email', 'shopper@example.com');
    await page.fill('#card', '4242 4242 4242 4242');
    await page.fill('#expiry', '12/39');
    await page.fill('#cvv', '123');
    await page.click('#pay');
    await expect.poll(() => page.locator('#message').textContent(), { timeout: 15_000 }).toMatch(/^Order o-.* confirmed/);
    await page.screenshot({ path: join(tmpdir(), 'shopscope-storefront.png') });

    const orderId = /Order (o-[0-9a-f-]+)/.exec((await page.locator('#message').textContent()) ?? '')?.[1];
    const order = await api(shop.url, 'GET', `/api/orders/${orderId}`);
    expect(order.body).toMatchObject({ status: 'confirmed', items: [{ productId, quantity: 1 }] });
    expect((await api(shop.url, 'GET', `/api/products/${productId}`)).body.stock).toBe(stockBefore - 1);
    expect(errors).toEqual([]);
  });

  it('keeps one Idempotency-Key per checkout attempt, so a retry after a lost answer pays once', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const keys: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/checkout')) keys.push(request.headers()['idempotency-key'] ?? '');
    });
    const message = () => page.locator('#message').textContent();
    await page.goto(shop.url);
    await expect.poll(() => page.locator('#product-list li').count()).toBeGreaterThan(0);
    await page.locator('#product-list li').nth(1).locator('button').click();
    await expect.poll(() => page.locator('#cart-count').textContent()).toBe('1');
    const cartId = await page.evaluate(() => localStorage.getItem('cartId'));
    await page.fill('#email', 'shopper@example.com');
    await page.fill('#expiry', '12/39');
    await page.fill('#cvv', '123');

    // a declined card is a definitive answer: the next attempt gets a new key
    await page.fill('#card', '4000 0000 0000 0002');
    await page.click('#pay');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/^Payment failed \(card_declined\)/);

    // the shop takes the payment but its answer never reaches the browser
    await page.fill('#card', '4242 4242 4242 4242');
    await page.route(
      '**/api/checkout',
      async (route) => {
        await route.fetch();
        await route.abort('failed');
      },
      { times: 1 },
    );
    await page.click('#pay');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/not be charged twice/);
    const paid = await shop
      .db('orders')
      .all<{ id: string }>("SELECT id FROM orders_orders WHERE cart_id = ? AND status = 'confirmed'", [cartId]);
    expect(paid).toHaveLength(1);

    // the shopper presses again: the same key finds that order instead of paying twice
    await page.click('#pay');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/^Order o-.* confirmed/);
    expect(await message()).toContain(paid[0]!.id);
    expect(keys).toHaveLength(3);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe(keys[1]);
    const orders = await shop
      .db('orders')
      .all<{ id: string; status: string }>('SELECT id, status FROM orders_orders WHERE cart_id = ? ORDER BY created_at', [cartId]);
    expect(orders.map((o) => o.status)).toEqual(['payment_failed', 'confirmed']);
    const approved = await shop.db('payments').all(
      `SELECT order_id FROM payments_charges WHERE status = 'approved' AND order_id IN (${orders.map(() => '?').join(', ')})`,
      orders.map((o) => o.id),
    );
    expect(approved).toHaveLength(1);

    // a confirmed order ends the attempt: the next cart's checkout has a key of its own
    await page.locator('#product-list li').nth(2).locator('button').click();
    await expect.poll(() => page.locator('#cart-count').textContent()).toBe('1');
    await page.click('#pay');
    await expect.poll(message, { timeout: 15_000 }).toMatch(/^Order o-.* confirmed/);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(3);
    expect(errors).toEqual([]);
  });
});
