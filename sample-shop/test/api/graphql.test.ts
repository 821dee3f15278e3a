import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api, cartWith } from '../support/client.ts';
import { seedProducts } from '../../src/shared/seed.ts';
import { MAX_QUERY_COST, MAX_QUERY_DEPTH } from '../../src/gateway/graphql/limits.ts';

// The gateway's GraphQL endpoint against the real services. Every service runs in this
// process, so node's own `http.server.request.start` channel shows each call the gateway
// makes to them: the DataLoader's one batched call, the naive field's one call per product.

let shop: TestShop;
const served: string[] = [];
const onRequest = (message: unknown) => served.push((message as { request: IncomingMessage }).request.url ?? '');

beforeAll(async () => {
  shop = await startTestShop();
  subscribe('http.server.request.start', onRequest);
});
afterAll(async () => {
  unsubscribe('http.server.request.start', onRequest);
  await shop?.stop();
});

async function graphql(query: string, variables?: Record<string, unknown>) {
  served.length = 0;
  return api(shop.url, 'POST', '/graphql', { query, variables });
}

const callsTo = (prefix: string) => served.filter((url) => url.startsWith(prefix)).length;

describe('GraphQL at the gateway', () => {
  it('resolves each product category through one batched catalog call (DataLoader)', async () => {
    const res = await graphql(
      '{ products(limit: 12) { total items { id name price { amount currency } category { name productCount } } } }',
    );
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const { items, total } = res.body.data.products;
    expect(total).toBe(seedProducts.length);
    expect(items).toHaveLength(12);
    expect(items[0]).toEqual({
      id: seedProducts[0]!.id,
      name: seedProducts[0]!.name,
      price: { amount: seedProducts[0]!.priceCents / 100, currency: 'EUR' },
      category: { name: seedProducts[0]!.category, productCount: 25 },
    });
    expect(callsTo('/products?')).toBe(1);
    expect(callsTo('/categories')).toBe(1);
  });

  it('asks inventory once per product for the naive stock field (the demo N+1)', async () => {
    const res = await graphql('{ products(limit: 7, category: "books") { items { id stock } } }');
    expect(res.body.errors).toBeUndefined();
    const items = res.body.data.products.items as Array<{ id: string; stock: number }>;
    expect(items).toHaveLength(7);
    for (const item of items) expect(item.stock).toBe(seedProducts.find((p) => p.id === item.id)!.initialStock);
    expect(callsTo('/stock/')).toBe(7);
  });

  it('reads a cart with its products through one batched lookup, and adds to it', async () => {
    const cartId = await cartWith(shop.url, [
      { productId: 'p-0003', quantity: 2 },
      { productId: 'p-0150', quantity: 1 },
    ]);
    const added = await graphql('mutation ($c: ID!) { addToCart(cartId: $c, productId: "p-0077", quantity: 3) { items { quantity } } }', {
      c: cartId,
    });
    expect(added.body.data.addToCart.items).toHaveLength(3);
    const res = await graphql(
      'query Cart($id: ID!) { cart(id: $id) { id status total { amount } items { quantity product { id sku } } } }',
      {
        id: cartId,
      },
    );
    expect(res.body.errors).toBeUndefined();
    const cart = res.body.data.cart;
    expect(cart.status).toBe('open');
    expect(cart.items.map((i: { product: { id: string } }) => i.product.id).sort()).toEqual(['p-0003', 'p-0077', 'p-0150']);
    // the cart service prices its lines with one catalog call; the products, one more
    expect(callsTo('/products?ids=')).toBe(2);
    expect((await graphql('{ cart(id: "c-none") { id } }')).body.data.cart).toBeNull();
    expect((await graphql('{ order(id: "o-none") { id } }')).body.data.order).toBeNull();
    expect((await graphql('{ product(id: "p-9999") { id } }')).body.data.product).toBeNull();
  });

  it('searches products in full text through the same endpoint', async () => {
    const res = await graphql('{ products(search: "espresso cup", limit: 5) { total items { name } } }');
    expect(res.body.data.products.total).toBeGreaterThan(0);
    for (const item of res.body.data.products.items) expect(item.name).toMatch(/Espresso Cup/);
  });

  it('refuses a query deeper than the limit with a GraphQL error, not a 5xx', async () => {
    // categories(1) products(2) items(3) category(4) products(5) items(6) id(7)
    const nested = (inner: string) => `{ categories { products(limit: 2) { items { category { ${inner} } } } } }`;
    expect(MAX_QUERY_DEPTH).toBe(6);
    const atLimit = await graphql(nested('name'));
    expect(atLimit.status).toBe(200);
    expect(atLimit.body.data.categories).toHaveLength(8);
    const tooDeep = await graphql(nested('products(limit: 2) { items { id } }'));
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors[0].message).toMatch(/query depth \(7\) exceeds the query depth limit of 6/);
    expect(served.filter((url) => !url.startsWith('/graphql'))).toEqual([]);
  });

  it('refuses a query over the cost limit before it runs', async () => {
    const fields = 'id sku name description price { amount currency } category { name productCount }';
    const res = await graphql(`query Big { products(limit: 100) { items { ${fields} } } a: products(limit: 100) { items { ${fields} } } }`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(new RegExp(`operation "Big" costs \\d+, over the limit of ${MAX_QUERY_COST}`));
    expect(callsTo('/products')).toBe(0);
    // the limit in a variable counts the same
    const viaVariable = await graphql(
      `query ($n: Int) { products(limit: $n) { items { ${fields} } } b: products(limit: $n) { items { ${fields} } } }`,
      {
        n: 100,
      },
    );
    expect(viaVariable.status).toBe(400);
  });

  it('answers bad queries with GraphQL errors and never a 5xx', async () => {
    const unparsable = await graphql('{ products(limit: ');
    expect(unparsable.status).toBe(400);
    expect(unparsable.body.errors[0].message).toMatch(/Syntax Error/);
    const unknownField = await graphql('{ products { items { price_cents } } }');
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors[0].message).toMatch(/Cannot query field "price_cents"/);
    const badLimit = await graphql('{ products(limit: 1000) { total } }');
    expect(badLimit.status).toBe(200);
    expect(badLimit.body.errors[0]).toMatchObject({
      message: expect.stringMatching(/limit must be an integer from 1 to 100/),
      extensions: { code: 'invalid_request' },
    });
    const notJson = await api(shop.url, 'POST', '/graphql', '{"query":', { 'content-type': 'application/json' });
    expect(notJson.status).toBeLessThan(500);
    const noQuery = await api(shop.url, 'POST', '/graphql', {});
    expect(noQuery.status).toBeLessThan(500);
    const wrongType = await api(shop.url, 'POST', '/graphql', { query: 42 });
    expect(wrongType.status).toBeLessThan(500);
    // the gateway's own refusals keep their status and code (no API keys are configured here)
    const unknownKey = await api(shop.url, 'POST', '/graphql', { query: '{ categories { name } }' }, { 'x-api-key': 'no-such-key-0123' });
    expect(unknownKey.status).toBe(401);
    expect(unknownKey.body.errors[0]).toMatchObject({ message: 'unknown API key in x-api-key', extensions: { code: 'unauthorized' } });
  });

  it('never answers a 5xx to random queries, variables and bodies', async () => {
    // near-misses of the schema's own words, so some parse and reach validation or the resolvers
    const word = fc.constantFrom(
      'products',
      'product',
      'items',
      'stock',
      'category',
      'cart',
      'order',
      'limit',
      'id',
      'query',
      'mutation',
      'addToCart',
      '$n',
      '...',
    );
    const punctuation = fc.constantFrom('{', '}', '(', ')', ':', ' ', '"p-0001"', '-1', '1e9', '@skip', 'fragment f on Product', ',');
    const query = fc.array(fc.oneof(word, punctuation), { maxLength: 30 }).map((parts) => parts.join(' '));
    const body = fc.oneof(
      fc.record({ query, variables: fc.oneof(fc.constant(undefined), fc.dictionary(fc.constantFrom('n', 'id'), fc.jsonValue())) }),
      fc.record({ query: fc.jsonValue() }),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const res = await api(shop.url, 'POST', '/graphql', JSON.stringify(sent ?? null), { 'content-type': 'application/json' });
        expect(res.status, JSON.stringify(sent)).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
