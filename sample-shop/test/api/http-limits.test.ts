import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { api } from '../support/client.ts';
import { openSocket, parseResponse, type OpenSocket } from '../support/raw-http.ts';
import { sleep } from '../../src/shared/sleep.ts';

const requestTimeoutMs = 2000;
const headersTimeoutMs = 1000;
const keepAliveTimeoutMs = 300;
const maxConnections = 12;
// node looks for expired requests once a second; the rest is room for a busy test machine
const checkSlackMs = 2500;

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop({
    SHOPSCOPE_REQUEST_TIMEOUT_MS: String(requestTimeoutMs),
    SHOPSCOPE_HEADERS_TIMEOUT_MS: String(headersTimeoutMs),
    SHOPSCOPE_KEEP_ALIVE_TIMEOUT_MS: String(keepAliveTimeoutMs),
    SHOPSCOPE_MAX_CONNECTIONS: String(maxConnections),
  });
});
afterAll(async () => shop?.stop());

/** Milliseconds until the server closes the connection; Infinity if it holds it past `withinMs`. */
async function closedWithin(open: OpenSocket, withinMs: number): Promise<number> {
  return Promise.race([open.closed, sleep(withinMs).then(() => Number.POSITIVE_INFINITY)]);
}

/** A slowloris client: `head` at once, then one byte of `drip` a second, as long as the server lets it. */
async function trickle(url: string, head: string, drip: string, intervalMs = 1000) {
  const open = await openSocket(url);
  open.socket.write(head);
  let i = 0;
  const timer = setInterval(() => {
    if (open.socket.writable) open.socket.write(drip[i++ % drip.length]!);
  }, intervalMs);
  const ms = await closedWithin(open, 10_000);
  clearInterval(timer);
  open.socket.destroy();
  return { ms, response: parseResponse(open.received()) };
}

function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

describe('HTTP limits on every service', () => {
  it('cut off a client that trickles its body, with 408 request_timeout', async () => {
    const targets = [
      { url: shop.url, path: '/api/carts/c-x/items' },
      { url: shop.config.urls.cart, path: '/carts/c-x/items' },
      { url: shop.config.urls.orders, path: '/checkout' },
    ];
    const results = await Promise.all(
      targets.map(({ url, path }) =>
        trickle(url, `POST ${path} HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`, ' '),
      ),
    );
    for (const { ms, response } of results) {
      expect(ms).toBeGreaterThanOrEqual(requestTimeoutMs - 100);
      expect(ms).toBeLessThan(requestTimeoutMs + checkSlackMs);
      expect(response.status).toBe(408);
      expect(JSON.parse(response.body).error.code).toBe('request_timeout');
    }
  });

  it('cut off a client that trickles its headers', async () => {
    const results = await Promise.all(
      [shop.url, shop.config.urls.catalog].map((url) => trickle(url, 'GET /healthz HTTP/1.1\r\nHost: shop\r\nX-Slow: ', 'abcdefgh', 200)),
    );
    for (const { ms, response } of results) {
      expect(ms).toBeLessThan(headersTimeoutMs + checkSlackMs);
      expect(response.status).toBe(408);
      expect(JSON.parse(response.body).error.code).toBe('request_timeout');
    }
  });

  it('close a connection that sends nothing', async () => {
    const open = await openSocket(shop.config.urls.inventory);
    expect(await closedWithin(open, headersTimeoutMs + checkSlackMs)).toBeLessThan(headersTimeoutMs + checkSlackMs);
  });

  it('close an idle keep-alive connection', async () => {
    const open = await openSocket(shop.url);
    open.socket.write('GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n');
    await expect.poll(() => open.received()).toContain('"status":"ok"');
    const answered = Date.now();
    await closedWithin(open, 5000);
    // node closes an idle connection a second after the keep-alive timeout it advertises
    expect(Date.now() - answered).toBeLessThan(keepAliveTimeoutMs + 1000 + 500);
  });

  it('close connections beyond the cap as they arrive, and accept again below it', async () => {
    for (const name of ['gateway', 'catalog'] as const) {
      const server = shop.services[name].app.server;
      // the services' own kept-alive connections to each other end within the keep-alive timeout
      await expect.poll(() => connections(server)).toBe(0);
      const held = await Promise.all(Array.from({ length: maxConnections }, () => openSocket(shop.config.urls[name])));
      await expect.poll(() => connections(server)).toBe(maxConnections);
      const extra = await openSocket(shop.config.urls[name]);
      expect(await closedWithin(extra, 1000)).toBeLessThan(1000);
      expect(extra.received()).toBe('');
      for (const open of held) open.socket.destroy();
      await expect.poll(() => connections(server)).toBe(0);
      expect((await api(shop.config.urls[name], 'GET', '/healthz')).status).toBe(200);
    }
  });

  it('leave ordinary requests alone', async () => {
    const res = await api(shop.url, 'GET', '/api/products?limit=3');
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(3);
  });
});
