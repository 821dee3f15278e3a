import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api } from '../support/client.ts';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let shop: TestShop;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: npm test installs Debian's chromium package`);
  shop = await startTestShop();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // this machine has no network beyond loopback: keep Chromium from reaching out (playwright makes a fresh profile)
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
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
});
