import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api } from '../support/client.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop({ SHOPSCOPE_RATE_LIMIT: '20', SHOPSCOPE_BODY_LIMIT: '2048' });
});
afterAll(async () => shop?.stop());

describe('gateway', () => {
  it('serves the storefront page', async () => {
    const res = await fetch(`${shop.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>shopscope sample shop</title>');
  });

  it('answers /healthz on every service', async () => {
    for (const url of Object.values(shop.config.urls)) {
      const res = await api(url, 'GET', '/healthz');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
    }
  });

  it('refuses oversized bodies with 413', async () => {
    const res = await api(shop.url, 'POST', '/api/checkout', { cartId: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('keeps internal routes private', async () => {
    for (const [method, path] of [
      ['POST', '/api/reservations'],
      ['POST', '/api/carts/x/checkout'],
      ['GET', '/api/charges/x'],
      ['PUT', '/api/stock/p-0001'],
    ] as const) {
      const res = await api(shop.url, method, path, method === 'GET' ? undefined : {});
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
  });

  it('rate-limits each client address with 429 and Retry-After', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const began = Date.now();
    const results = await Promise.all(Array.from({ length: 40 }, () => api(shop.url, 'GET', '/api/categories')));
    // The limit is 20 a second: a burst that outlasts one window (a busy machine) may fill the next too.
    const windows = Math.floor((Date.now() - began) / 1000) + 1;
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(20 * windows);
    expect(limited.length).toBeGreaterThanOrEqual(windows === 1 ? 20 : 1);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body.error.code).toBe('rate_limited');
    // health checks and the page are not limited
    expect((await api(shop.url, 'GET', '/healthz')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api(shop.url, 'GET', '/api/categories')).status).toBe(200);
  });
});
