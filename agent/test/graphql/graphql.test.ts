import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import type BetterSqlite3 from 'better-sqlite3';
import type DataLoaderType from 'dataloader';
import type * as GraphQL from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { N_PLUS_ONE_EVENT, type NPlusOneDetector } from '../../src/graphql/n-plus-one.ts';
import { TRANSACTION_HEADER } from '../../src/http/server-requests.ts';
import type { LeanSpan } from '../../src/tracing/lean-span.ts';
import { sample, startInProcessAgent } from '../support/in-process-agent.ts';

// graphql-js 16 (the real package) served over node:http, resolvers on a real better-sqlite3
// database and one over HTTP: the trace's shape (operation, parse, validate and merged
// resolver spans), the GraphQL metrics, errors by phase, and the N+1 detector — flagged on a
// naive field (one query or one remote call per item), not on a DataLoader-backed one.

const agent = startInProcessAgent({ serviceName: 'catalog' });
const graphql = agent.load<typeof GraphQL>('graphql');
const Database = agent.load<typeof BetterSqlite3>('better-sqlite3');
const DataLoader = agent.load<typeof DataLoaderType>('dataloader');
const detector = agent.graphqlHooks[0] as NPlusOneDetector;

interface Product {
  id: number;
  name: string;
}
interface Review {
  product_id: number;
  stars: number;
}
interface Context {
  reviewsOf: DataLoaderType<number, Review[]>;
}

const db = new Database(':memory:');
db.exec('CREATE TABLE product (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE review (product_id INTEGER, stars INTEGER)');
for (let id = 1; id <= 20; id++) {
  db.prepare('INSERT INTO product VALUES (?, ?)').run(id, `product ${id}`);
  db.prepare('INSERT INTO review VALUES (?, ?), (?, ?)').run(id, 4, id, 5);
}

let server: Server;
let base: string;

function schema(): GraphQL.GraphQLSchema {
  const { GraphQLObjectType, GraphQLSchema, GraphQLList, GraphQLNonNull, GraphQLInt, GraphQLString } = graphql;
  const ReviewType = new GraphQLObjectType({ name: 'Review', fields: { stars: { type: new GraphQLNonNull(GraphQLInt) } } });
  const reviews = { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ReviewType))) };
  const ProductType = new GraphQLObjectType<Product, Context>({
    name: 'Product',
    fields: {
      id: { type: new GraphQLNonNull(GraphQLInt) },
      name: { type: new GraphQLNonNull(GraphQLString) },
      // The naive field: one query per product.
      reviews: { ...reviews, resolve: (p) => db.prepare('SELECT product_id, stars FROM review WHERE product_id = ?').all(p.id) },
      // The DataLoader field: one query for the whole list.
      reviewsBatched: { ...reviews, resolve: (p, _args, ctx) => ctx.reviewsOf.load(p.id) },
      // A remote call per product (the shop's gateway calling a service).
      stock: {
        type: GraphQLInt,
        resolve: async (p) => ((await (await fetch(`${base}/stock/${p.id}`)).json()) as { stock: number }).stock,
      },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        products: {
          type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(ProductType))),
          args: { limit: { type: GraphQLInt } },
          resolve: (_root, args: { limit?: number }) =>
            db.prepare('SELECT id, name FROM product ORDER BY id LIMIT ?').all(args.limit ?? 20),
        },
        broken: {
          type: GraphQLInt,
          resolve: () => {
            throw new Error('resolver failed');
          },
        },
      },
    }),
  });
}

function batchReviews(ids: readonly number[]): Promise<Review[][]> {
  const rows = db
    .prepare(`SELECT product_id, stars FROM review WHERE product_id IN (${ids.map(() => '?').join(',')})`)
    .all(...ids) as Review[];
  return Promise.resolve(ids.map((id) => rows.filter((r) => r.product_id === id)));
}

beforeAll(async () => {
  const shopSchema = schema();
  server = createServer((req, res) => {
    if (req.url?.startsWith('/stock/')) {
      res.end('{"stock":7}');
      return;
    }
    let body = '';
    req.on('data', (chunk) => (body += String(chunk)));
    req.on('end', () => {
      const { query } = JSON.parse(body) as { query: string };
      const contextValue: Context = { reviewsOf: new DataLoader(batchReviews) };
      void graphql.graphql({ schema: shopSchema, source: query, contextValue }).then((result) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(result));
      });
    });
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Posts a query; resolves with the result and the trace's spans once the SERVER span ended. */
async function run(query: string): Promise<{ result: { data?: unknown; errors?: unknown[] }; spans: LeanSpan[] }> {
  const response = await fetch(`${base}/graphql`, { method: 'POST', body: JSON.stringify({ query }) });
  const result = (await response.json()) as { data?: unknown; errors?: unknown[] };
  const traceId = response.headers.get(TRANSACTION_HEADER)!;
  const spans = await vi.waitFor(() => {
    const all = agent.spansOf(traceId);
    expect(all.some((s) => s.kind === SpanKind.SERVER && s.attributes['url.path'] === '/graphql')).toBe(true);
    return all;
  });
  return { result, spans };
}

const graphqlSpans = (spans: LeanSpan[]) => spans.filter((s) => s.scope.name === '@opentelemetry/instrumentation-graphql');
const events = (spans: LeanSpan[]) => spans.flatMap((s) => (s.events ?? []).filter((e) => e.name === N_PLUS_ONE_EVENT));

describe('GraphQL', () => {
  it('gives operation, parse, validate and merged resolver spans: a 20-item list is a handful of spans', async () => {
    const { result, spans } = await run('query Shop { products(limit: 20) { id name reviewsBatched { stars } } }');
    expect((result.data as { products: unknown[] }).products).toHaveLength(20);
    const names = graphqlSpans(spans).map((s) => s.name);
    expect(names.sort()).toEqual([
      'graphql.parse',
      'graphql.resolve products',
      'graphql.resolve products.*.reviewsBatched',
      'graphql.validate',
      'query Shop',
    ]);
    const operation = graphqlSpans(spans).find((s) => s.name === 'query Shop')!;
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'Shop' });
    const resolver = graphqlSpans(spans).find((s) => s.name === 'graphql.resolve products')!;
    expect(resolver.parentSpanId).toBe(operation.spanContext().spanId);
    // One SELECT for the list, one batched SELECT for every product's reviews.
    expect(spans.filter((s) => s.attributes['db.system.name'] === 'sqlite')).toHaveLength(2);
    expect(events(spans)).toEqual([]);
    // With the test's own fetch (a CLIENT span) and the SERVER span: 9 in all, against over 100 unmerged (bench/).
    expect(spans).toHaveLength(9);
  });

  it('records no argument values in the source text', async () => {
    const { spans } = await run('query Limited { products(limit: 3) { name } }');
    const operation = graphqlSpans(spans).find((s) => s.name === 'query Limited')!;
    expect(String(operation.attributes['graphql.source'])).toContain('limit: *');
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('limit: 3');
  });

  it('measures operations by name and type; anonymous ones as "anonymous"', async () => {
    const count = async (name: string) =>
      sample(await agent.scrape(), `graphql_server_operation_duration_seconds_count{operation_name="${name}",operation_type="query"}`) ?? 0;
    const [shop, anonymous] = [await count('Shop'), await count('anonymous')];
    await run('query Shop { products(limit: 2) { id } }');
    await run('{ products(limit: 1) { id } }');
    expect(await count('Shop')).toBe(shop + 1);
    expect(await count('anonymous')).toBe(anonymous + 1);
  });

  it('counts errors by phase: parse, validate, execute', async () => {
    const errors = async (labels: string) => sample(await agent.scrape(), `graphql_server_errors_total{${labels}}`) ?? 0;
    const parse = 'operation_name="unknown",operation_type="unknown",phase="parse"';
    const validate = 'operation_name="unknown",operation_type="unknown",phase="validate"';
    const execute = 'operation_name="Broken",operation_type="query",phase="execute"';
    const before = [await errors(parse), await errors(validate), await errors(execute)];
    expect((await run('{ products { ')).result.errors).toHaveLength(1);
    expect((await run('{ nope }')).result.errors).toHaveLength(1);
    expect((await run('query Broken { broken }')).result.errors).toHaveLength(1);
    expect([await errors(parse), await errors(validate), await errors(execute)]).toEqual(before.map((n) => n + 1));
  });

  it('flags a naive field’s query per item as N+1, on the operation span and in graphql_n_plus_one_total', async () => {
    const { spans } = await run('query Naive { products(limit: 20) { name reviews { stars } } }');
    const operation = graphqlSpans(spans).find((s) => s.name === 'query Naive')!;
    expect(operation.events?.filter((e) => e.name === N_PLUS_ONE_EVENT).map((e) => e.attributes)).toEqual([
      { 'graphql.field.path': 'products.*.reviews', 'graphql.n_plus_one.kind': 'db', 'graphql.n_plus_one.db_calls': 20 },
    ]);
    expect(sample(await agent.scrape(), 'graphql_n_plus_one_total{field_path="products.*.reviews",kind="db"}')).toBe(1);
  });

  it('flags a remote call per item as the same N+1 (kind http); a short list under the threshold is not flagged', async () => {
    const { spans } = await run('query Stock { products(limit: 4) { stock } }');
    expect(events(spans).map((e) => e.attributes)).toEqual([
      { 'graphql.field.path': 'products.*.stock', 'graphql.n_plus_one.kind': 'http', 'graphql.n_plus_one.db_calls': 4 },
    ]);
    const short = await run('query Two { products(limit: 2) { reviews { stars } } }');
    expect(events(short.spans)).toEqual([]);
  });

  it('does not flag the DataLoader field and forgets every finished operation', async () => {
    const { spans } = await run('query Batched { products(limit: 20) { reviewsBatched { stars } } }');
    expect(events(spans)).toEqual([]);
    expect(sample(await agent.scrape(), 'graphql_n_plus_one_total{field_path="products.*.reviewsBatched",kind="db"}')).toBeUndefined();
    expect(detector.openOperations).toBe(0);
  });
});
