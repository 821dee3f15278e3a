/* eslint-disable @typescript-eslint/no-require-imports */
/* global require */
// The GraphQL benchmark's server: plain graphql-js over node:http (CommonJS, so every mode's
// require hooks instrument it), a 20-product list from an in-memory SQLite database, and each
// product's reviews through a DataLoader (one batched query per request).
const { createServer } = require('node:http');
const Database = require('better-sqlite3');
const DataLoader = require('dataloader');
const graphql = require('graphql');

const db = new Database(':memory:');
db.exec(
  'CREATE TABLE product (id INTEGER PRIMARY KEY, name TEXT, price REAL); CREATE TABLE review (product_id INTEGER, stars INTEGER, body TEXT)',
);
for (let id = 1; id <= 40; id++) {
  db.prepare('INSERT INTO product VALUES (?, ?, ?)').run(id, `product ${id}`, id * 1.5);
  for (let r = 0; r < 3; r++) db.prepare('INSERT INTO review VALUES (?, ?, ?)').run(id, 1 + ((id + r) % 5), `review ${r} of ${id}`);
}
const listProducts = db.prepare('SELECT id, name, price FROM product ORDER BY id LIMIT ?');

const { GraphQLObjectType, GraphQLSchema, GraphQLList, GraphQLNonNull, GraphQLInt, GraphQLString, GraphQLFloat } = graphql;
const Review = new GraphQLObjectType({
  name: 'Review',
  fields: { stars: { type: new GraphQLNonNull(GraphQLInt) }, body: { type: new GraphQLNonNull(GraphQLString) } },
});
const Product = new GraphQLObjectType({
  name: 'Product',
  fields: {
    id: { type: new GraphQLNonNull(GraphQLInt) },
    name: { type: new GraphQLNonNull(GraphQLString) },
    price: { type: new GraphQLNonNull(GraphQLFloat) },
    reviews: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Review))), resolve: (p, _a, ctx) => ctx.reviews.load(p.id) },
  },
});
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      products: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Product))),
        args: { limit: { type: GraphQLInt } },
        resolve: (_root, args) => listProducts.all(args.limit ?? 20),
      },
    },
  }),
});

function batchReviews(ids) {
  const rows = db.prepare(`SELECT product_id, stars, body FROM review WHERE product_id IN (${ids.map(() => '?').join(',')})`).all(...ids);
  return Promise.resolve(ids.map((id) => rows.filter((r) => r.product_id === id)));
}

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    let request;
    try {
      request = JSON.parse(body);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const contextValue = { reviews: new DataLoader(batchReviews) };
    graphql.graphql({ schema, source: request.query, variableValues: request.variables, contextValue }).then((result) => {
      const out = JSON.stringify(result);
      res.writeHead(result.errors ? 400 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`));
