import { sleep } from './shared/sleep.ts';

/**
 * The demo's light steady traffic: a shopper every `intervalMs` browses, searches, fills a cart
 * and now and then checks out. Bounded by `maxMinutes` and `maxRequests`, so it always stops.
 */
export interface TrafficOptions {
  baseUrl: string;
  intervalMs?: number;
  maxMinutes?: number;
  maxRequests?: number;
  signal?: AbortSignal;
}

const cards = ['4242424242424242', '4242424242424242', '4242424242424242', '5555555555554444', '4000000000000002'];
const words = ['kettle', 'tent', 'lamp', 'puzzle', 'socks', 'novel', 'eco', 'nordic'];
const categories = ['kitchen', 'outdoor', 'books', 'electronics', 'garden', 'toys', 'clothing', 'office'];

/** Every fifth shopper reads a shelf through GraphQL: the naive `stock` field is the demo's N+1. */
const shelfQuery =
  'query Shelf($category: String) { products(limit: 6, category: $category) { items { id name price { amount } stock category { name } } } }';

export async function runLightTraffic(options: TrafficOptions): Promise<{ requests: number; errors: number }> {
  const until = Date.now() + (options.maxMinutes ?? 60) * 60_000;
  const maxRequests = options.maxRequests ?? 20_000;
  let requests = 0;
  let errors = 0;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    requests++;
    try {
      const response = await fetch(`${options.baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      if (response.status >= 500) errors++;
      return (await response.json().catch(() => ({}))) as Record<string, unknown>;
    } catch {
      errors++;
      return {};
    }
  };
  let n = 0;
  while (Date.now() < until && requests < maxRequests && !options.signal?.aborted) {
    n++;
    const list = await call('GET', `/api/products?limit=12&offset=${(n * 12) % 192}`);
    await call('GET', `/api/products?q=${words[n % words.length]}`);
    if (n % 5 === 0)
      await call('POST', '/graphql', {
        query: shelfQuery,
        operationName: 'Shelf',
        variables: { category: categories[n % categories.length] },
      });
    const items = (list.items as { id: string }[] | undefined) ?? [];
    if (items.length > 0 && n % 2 === 0) {
      const cart = await call('POST', '/api/carts');
      if (typeof cart.id === 'string') {
        await call('POST', `/api/carts/${cart.id}/items`, { productId: items[n % items.length]!.id, quantity: 1 + (n % 2) });
        if (n % 4 === 0) {
          await call(
            'POST',
            '/api/checkout',
            {
              cartId: cart.id,
              email: `shopper${n}@example.com`,
              payment: { cardNumber: cards[n % cards.length], expiry: '12/39', cvv: '123' },
            },
            { 'idempotency-key': `demo-${Date.now()}-${n}` },
          );
        }
      }
    }
    await sleep(options.intervalMs ?? 1000);
  }
  return { requests, errors };
}
