/* eslint-disable @typescript-eslint/no-require-imports */
/* global require */
// A realistic product-list route: fastify reads 20 rows from better-sqlite3 and returns JSON.
// Stand-in for the sample shop's catalog route (see bench/README.md). CommonJS, so that every
// mode, including plain auto-instrumentation, instruments it.
const Fastify = require('fastify');
const Database = require('better-sqlite3');

const db = new Database(':memory:');
db.exec(
  'CREATE TABLE product (id INTEGER PRIMARY KEY, sku TEXT, name TEXT, description TEXT, price_cents INTEGER, stock INTEGER, category TEXT)',
);
const insert = db.prepare('INSERT INTO product (sku, name, description, price_cents, stock, category) VALUES (?, ?, ?, ?, ?, ?)');
for (let i = 0; i < 500; i++) {
  insert.run(
    `SKU-${1000 + i}`,
    `Product ${i}`,
    `A fine product number ${i}, with a description long enough to look real.`,
    999 + i * 13,
    i % 40,
    ['shoes', 'hats', 'bags', 'socks'][i % 4],
  );
}
const list = db.prepare(
  'SELECT id, sku, name, description, price_cents, stock, category FROM product WHERE category = ? ORDER BY id LIMIT 20 OFFSET ?',
);

const app = Fastify();
app.get('/products', async (request) => {
  const { category = 'shoes', page = '0' } = request.query;
  return { items: list.all(category, Number(page) * 20), page: Number(page) };
});
app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
  process.stdout.write(`${JSON.stringify({ listening: app.server.address().port })}\n`);
});
