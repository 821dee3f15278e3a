// The sample shop's real product-list route for the overhead benchmark: the catalog service
// (fastify, its SQLite catalogue, 20 rows a page) and the inventory service it asks for stock
// over HTTP, both in this one process on loopback, so one process per mode carries the whole
// route and its CPU is measured in one place. Prints {"listening":<catalog port>}.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagStore, buildService, flagsPath, loadConfig } from '@shopscope/sample-shop';
import { freePort } from '@shopscope/testkit';

const config = loadConfig({
  SHOPSCOPE_DATA_DIR: mkdtempSync(join(tmpdir(), 'shopscope-bench-shop-')),
  SHOPSCOPE_CATALOG_PORT: String(await freePort()),
  SHOPSCOPE_INVENTORY_PORT: String(await freePort()),
});
const flags = new FlagStore(flagsPath(config));
const inventory = await buildService('inventory', config, flags);
await inventory.app.listen({ host: '127.0.0.1', port: config.ports.inventory });
const catalog = await buildService('catalog', config, flags);
await catalog.app.listen({ host: '127.0.0.1', port: config.ports.catalog });
process.stdout.write(`${JSON.stringify({ listening: config.ports.catalog })}\n`);
