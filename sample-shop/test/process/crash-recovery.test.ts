import { afterEach, describe, expect, it, vi } from 'vitest';
import { rmSync } from 'node:fs';
import { launchService, launchShop, stopShop, waitHealthy, type LaunchedService } from '../../src/launcher.ts';
import { shopEnvironment, adminToken, openServiceDb } from '../support/shop.ts';
import { api, cartWith, checkout, goodCard } from '../support/client.ts';
import type { ServiceName } from '../../src/shared/config.ts';

// Each service is a real process here: the test kills one with SIGKILL mid-checkout.
let running: LaunchedService[] = [];
let dataDir = '';
afterEach(async () => {
  await stopShop(running);
  running = [];
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const quiet = { onLine: () => undefined };

async function totalStock(url: string, productId: string) {
  return (await api(url, 'GET', `/api/products/${productId}`)).body.stock as number;
}

async function restart(name: ServiceName, env: NodeJS.ProcessEnv) {
  const service = launchService(name, { env, ...quiet });
  running = running.filter((s) => s.name !== name).concat(service);
  await waitHealthy(`http://127.0.0.1:${env[`SHOPSCOPE_${name.toUpperCase()}_PORT`]}`);
}

async function killMidCheckout(victim: ServiceName) {
  const shopEnv = await shopEnvironment({ SHOPSCOPE_RECOVER_AFTER_MS: '1000', SHOPSCOPE_PAYMENT_TIMEOUT_MS: '8000' });
  dataDir = shopEnv.dataDir;
  const env = shopEnv.env;
  running = await launchShop({ env, ...quiet });
  const url = `http://127.0.0.1:${env.SHOPSCOPE_GATEWAY_PORT}`;
  const before = await totalStock(url, 'p-0040');
  const cartId = await cartWith(url, [{ productId: 'p-0040', quantity: 3 }]);
  await api(url, 'PUT', '/admin/flags', { paymentLatencyMs: 2000 }, { authorization: `Bearer ${adminToken}` });
  await new Promise((r) => setTimeout(r, 600));

  const inFlight = checkout(url, cartId, goodCard, 'crash-1').catch((err: Error) => ({ status: 0, body: String(err) }));
  // wait until the stock is reserved and payments holds the charge as processing (it waits 2 s
  // for the provider): the checkout is then between payment asked and payment answered, however
  // long a loaded machine takes from reservation to charge request
  await vi.waitFor(async () => expect(await totalStock(url, 'p-0040')).toBe(before - 3), { timeout: 5000 });
  const charges = await openServiceDb(env, 'payments');
  try {
    await vi.waitFor(
      async () =>
        expect(await charges.get<{ status: string }>("SELECT status FROM payments_charges WHERE status = 'processing'")).toBeDefined(),
      { timeout: 5000, interval: 50 },
    );
  } finally {
    await charges.close();
  }
  const target = running.find((s) => s.name === victim)!;
  target.child.kill('SIGKILL');
  await target.exited;
  await inFlight;
  await api(url, 'PUT', '/admin/flags', { paymentLatencyMs: 0 }, { authorization: `Bearer ${adminToken}` });
  await restart(victim, env);

  // The shopper retries with the same key: the order has been settled one way or the other.
  const final = await vi.waitFor(
    async () => {
      const answer = await checkout(url, cartId, goodCard, 'crash-1');
      expect(answer.status).toBe(201);
      return answer;
    },
    { timeout: 20_000, interval: 300 },
  );
  expect(['confirmed', 'payment_failed']).toContain(final.body.status);

  const ordersDb = await openServiceDb(env, 'orders');
  const inventoryDb = await openServiceDb(env, 'inventory');
  const paymentsDb = await openServiceDb(env, 'payments');
  try {
    const pending = await ordersDb.all("SELECT id FROM orders_orders WHERE status = 'pending'");
    expect(pending).toEqual([]);
    const reservation = await inventoryDb.get<{ status: string }>('SELECT status FROM inventory_reservations WHERE order_id = ?', [
      final.body.orderId,
    ]);
    const charge = await paymentsDb.get<{ status: string }>('SELECT status FROM payments_charges WHERE order_id = ?', [final.body.orderId]);
    const stock = await totalStock(url, 'p-0040');
    if (final.body.status === 'confirmed') {
      expect(reservation?.status).toBe('committed');
      expect(charge?.status).toBe('approved');
      expect(stock).toBe(before - 3);
    } else {
      expect(reservation?.status).toBe('released');
      expect(charge?.status === undefined || charge.status !== 'approved').toBe(true);
      expect(stock).toBe(before);
    }
    return final.body.status as string;
  } finally {
    await Promise.all([ordersDb.close(), inventoryDb.close(), paymentsDb.close()]);
  }
}

describe('a service killed mid-checkout', () => {
  it('orders: the order is settled after restart and the stock adds up', async () => {
    // the charge completes while orders is down, so recovery must confirm from the charge
    expect(await killMidCheckout('orders')).toBe('confirmed');
  });

  it('payments: the interrupted charge fails, the order fails and the stock comes back', async () => {
    expect(await killMidCheckout('payments')).toBe('payment_failed');
  });
});
