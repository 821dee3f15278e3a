import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, adminToken, type TestShop } from '../support/shop.ts';
import { api, cartWith, checkout, goodCard } from '../support/client.ts';
import { FlagStore, defaultFlags } from '../../src/shared/flags.ts';
import { flagsPath } from '../../src/shared/config.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop();
});
afterAll(async () => shop?.stop());

const auth = { authorization: `Bearer ${adminToken}` };
const putFlags = (body: unknown, headers = auth) => api(shop.url, 'PUT', '/admin/flags', body, headers);

async function until<T>(fn: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('/admin/flags', () => {
  it('needs the admin token', async () => {
    expect((await api(shop.url, 'GET', '/admin/flags')).status).toBe(401);
    const wrong = await api(shop.url, 'GET', '/admin/flags', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    expect((await putFlags({ gatewayErrorRate: 1 }, { authorization: 'Basic x' })).status).toBe(401);
  });

  it('lists every flag, all off by default', async () => {
    const res = await api(shop.url, 'GET', '/admin/flags', undefined, auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(defaultFlags);
  });

  it('rejects the whole patch when one field is bad, and changes nothing', async () => {
    const bad = [
      { paymentFailureRate: 0.5, unknownFlag: true },
      { paymentFailureRate: 1.5 },
      { paymentLatencyMs: -1 },
      { paymentLatencyMs: 30001 },
      { paymentLatencyMs: 10.5 },
      { inventoryUnavailable: 'yes' },
      { catalogSlowQueryMs: '100' },
      { gatewayErrorRate: null },
      { cartMemoryGrowthMb: 513 },
      [],
      '"x"',
      '42',
    ];
    for (const body of bad) {
      const res = await putFlags(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await api(shop.url, 'GET', '/admin/flags', undefined, auth)).body).toEqual(defaultFlags);
  });

  it('merges a valid patch, persists it and every service sees it within a second', async () => {
    // a reader of its own, polling as each service process does (the in-process shop shares one store)
    const service = new FlagStore(flagsPath(shop.config)).start();
    const putAt = Date.now();
    const res = await putFlags({ paymentFailureRate: 1, catalogSlowQueryMs: 0 });
    const seen = await until(
      async () => service.get().paymentFailureRate,
      (rate) => rate === 1,
      2000,
    );
    service.stop();
    expect(seen).toBe(1);
    expect(Date.now() - putAt).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...defaultFlags, paymentFailureRate: 1 });
    // persisted: a fresh reader of the file (a restarted service) sees the same
    expect(new FlagStore(flagsPath(shop.config)).get()).toEqual(res.body);
    const cartId = await cartWith(shop.url, [{ productId: 'p-0020', quantity: 1 }]);
    const started = Date.now();
    const paid = await checkout(shop.url, cartId, goodCard, 'flag-1');
    expect(Date.now() - started).toBeLessThan(1000 + 2000);
    expect(paid.body).toMatchObject({ status: 'payment_failed', failureReason: 'payment_provider_error' });
    await putFlags({ paymentFailureRate: 0 });
  });

  it('gatewayErrorRate=1 answers every API request 500 and spares the admin routes', async () => {
    await putFlags({ gatewayErrorRate: 1 });
    const res = await until(
      () => api(shop.url, 'GET', '/api/products'),
      (r) => r.status === 500,
    );
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('injected_fault');
    expect((await putFlags({ gatewayErrorRate: 0 })).status).toBe(200);
    expect(
      (
        await until(
          () => api(shop.url, 'GET', '/api/products'),
          (r) => r.status === 200,
        )
      ).status,
    ).toBe(200);
  });

  it('inventoryUnavailable fails checkout with 503 and shows stock as unknown', async () => {
    const cartId = await cartWith(shop.url, [{ productId: 'p-0021', quantity: 1 }]);
    await putFlags({ inventoryUnavailable: true });
    const list = await until(
      () => api(shop.url, 'GET', '/api/products?limit=1'),
      (r) => r.body.items?.[0]?.stock === null,
    );
    expect(list.status).toBe(200);
    expect(list.body.items[0].stock).toBeNull();
    const res = await checkout(shop.url, cartId, goodCard, 'inv-1');
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
    await putFlags({ inventoryUnavailable: false });
    await until(
      () => api(shop.url, 'GET', '/api/products?limit=1'),
      (r) => r.body.items?.[0]?.stock !== null,
    );
    // the failed attempt took nothing: the cart can still be bought
    const retry = await checkout(shop.url, cartId, goodCard, 'inv-2');
    expect(retry.body.status).toBe('confirmed');
  });

  it('catalogSlowQueryMs slows product queries by that much', async () => {
    await putFlags({ catalogSlowQueryMs: 400 });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    expect((await api(shop.url, 'GET', '/api/products/p-0001')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    await putFlags({ catalogSlowQueryMs: 0 });
  });
});
