// Traffic that gives every panel something to show: browsing and searches, checkouts in both A/B
// variants with approved and declined cards, a provider error, and a spell of forced payment
// failures through the admin flags.
import { setTimeout as sleep } from 'node:timers/promises';

export interface TrafficTarget {
  gateway: string;
  adminToken: string;
}

const approved = '4242424242424242';
const declined = '4000000000000002';
const providerError = '4000000000000119';
const variants = ['control', 'express'] as const;

async function call(target: TrafficTarget, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${target.gateway}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

/** Sets fault flags through the gateway's admin API (e.g. `{ paymentFailureRate: 1 }`). */
export async function setFlags(target: TrafficTarget, flags: Record<string, number | boolean>): Promise<void> {
  const res = await call(target, 'PUT', '/admin/flags', flags, { authorization: `Bearer ${target.adminToken}` });
  if (res.status !== 200) throw new Error(`PUT /admin/flags answered ${res.status}: ${JSON.stringify(res.body)}`);
}

/** One shopper: browse, search, a cart, a checkout with the given card in the given variant. */
export async function shop(target: TrafficTarget, variant: string, cardNumber: string, key: string): Promise<number> {
  const headers = { 'x-experiment-checkout-flow': variant };
  await call(target, 'GET', '/api/products?limit=6', undefined, headers);
  await call(target, 'GET', '/api/products?q=lamp', undefined, headers);
  const cart = await call(target, 'POST', '/api/carts', undefined, headers);
  await call(target, 'POST', `/api/carts/${String(cart.body.id)}/items`, { productId: 'p-0007', quantity: 1 }, headers);
  const res = await call(
    target,
    'POST',
    '/api/checkout',
    { cartId: cart.body.id, email: 'preview.shopper@example.com', payment: { cardNumber, expiry: '12/39', cvv: '321' } },
    { ...headers, 'idempotency-key': key },
  );
  return res.status;
}

/**
 * `rounds` rounds of shoppers in both variants (approved, declined, provider error), then a
 * payment-failure spell of `faultMs`: bounded in count and time.
 */
export async function driveTraffic(target: TrafficTarget, rounds = 6, faultMs = 4_000): Promise<void> {
  const run = `${Date.now()}`;
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      await shop(target, variant, approved, `${run}-${round}-${variant}-ok`);
      if (round % 2 === 0) await shop(target, variant, declined, `${run}-${round}-${variant}-declined`);
    }
    if (round === 1) await shop(target, 'control', providerError, `${run}-${round}-provider`);
    await sleep(200);
  }
  await setFlags(target, { paymentFailureRate: 1 });
  try {
    const until = Date.now() + faultMs;
    let n = 0;
    while (Date.now() < until) {
      for (const variant of variants) await shop(target, variant, approved, `${run}-fault-${n++}-${variant}`);
    }
  } finally {
    await setFlags(target, { paymentFailureRate: 0 });
  }
}
