import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { startTestShop, type TestShop } from '../support/shop.ts';
import { openSocket, parseResponse, rawExchange, type RawResponse } from '../support/raw-http.ts';
import { errorCodes, type ErrorCode } from '../../src/shared/errors.ts';
import { createServer } from '../../src/shared/server.ts';
import { sleep } from '../../src/shared/sleep.ts';

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop({ SHOPSCOPE_BODY_LIMIT: '2048' });
});
afterAll(async () => shop?.stop());

const end = 'Connection: close\r\n\r\n';
const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: shop\r\n${headers}${end}`;
const post = (path: string, body: string, type?: string) =>
  `POST ${path} HTTP/1.1\r\nHost: shop\r\n${type ? `Content-Type: ${type}\r\n` : ''}Content-Length: ${Buffer.byteLength(body)}\r\n${end}${body}`;
const json = 'application/json';
const hugeHeader = `X-Filler: ${'a'.repeat(20_000)}\r\n`;

/** Each of fastify's and node's own refusals, the request that provokes it and the shop's code for it. */
const cases: { name: string; service: 'gateway' | 'cart' | 'catalog'; request: string; code: ErrorCode }[] = [
  { name: 'bad percent-encoding in an API path', service: 'gateway', request: get('/api/products/%E0%A4%A'), code: 'invalid_url' },
  { name: 'bad percent-encoding in a page path', service: 'gateway', request: get('/%E0%A4%A'), code: 'invalid_url' },
  { name: 'a text/plain body', service: 'gateway', request: post('/api/carts', 'hi', 'text/plain'), code: 'unsupported_media_type' },
  { name: 'a body without a content type', service: 'gateway', request: post('/api/carts', '{}'), code: 'unsupported_media_type' },
  {
    name: 'a body over the limit',
    service: 'gateway',
    request: post('/api/checkout', JSON.stringify({ cartId: 'x'.repeat(5000) }), json),
    code: 'payload_too_large',
  },
  { name: 'malformed JSON', service: 'gateway', request: post('/api/checkout', '{cartId:', json), code: 'invalid_json' },
  { name: 'an empty JSON body', service: 'gateway', request: post('/api/checkout', '', json), code: 'invalid_json' },
  { name: 'bytes that are not HTTP', service: 'gateway', request: 'HELLO THERE\r\n\r\n', code: 'malformed_request' },
  { name: 'headers over the size limit', service: 'gateway', request: get('/api/categories', hugeHeader), code: 'headers_too_large' },
  { name: 'a path out of the storefront folder', service: 'gateway', request: get('/%2e%2e/package.json'), code: 'forbidden' },
  {
    name: 'a range past the end of a page file',
    service: 'gateway',
    request: get('/style.css', 'Range: bytes=999999-\r\n'),
    code: 'range_not_satisfiable',
  },
  {
    name: 'a precondition a page file fails',
    service: 'gateway',
    request: get('/style.css', 'If-Match: "no-such-etag"\r\n'),
    code: 'precondition_failed',
  },
  { name: 'an unknown route', service: 'gateway', request: get('/api/nothing-here'), code: 'not_found' },
  { name: 'bad percent-encoding', service: 'cart', request: post('/carts/%E0%A4%A/items', '{}', json), code: 'invalid_url' },
  { name: 'a text/plain body', service: 'cart', request: post('/carts', 'hi', 'text/plain'), code: 'unsupported_media_type' },
  {
    name: 'a body over the limit',
    service: 'cart',
    request: post('/carts/c-x/items', JSON.stringify({ pad: 'x'.repeat(70_000) }), json),
    code: 'payload_too_large',
  },
  { name: 'malformed JSON', service: 'cart', request: post('/carts/c-x/items', '{"productId"', json), code: 'invalid_json' },
  { name: 'bytes that are not HTTP', service: 'cart', request: 'HELLO THERE\r\n\r\n', code: 'malformed_request' },
  { name: 'headers over the size limit', service: 'cart', request: get('/healthz', hugeHeader), code: 'headers_too_large' },
  { name: 'bad percent-encoding', service: 'catalog', request: get('/products/%E0%A4%A'), code: 'invalid_url' },
  { name: 'a path segment over the length limit', service: 'catalog', request: get(`/products/${'p'.repeat(200)}`), code: 'url_too_long' },
];

function expectShopError(response: RawResponse, code: ErrorCode) {
  expect(response.status).toBe(errorCodes[code]);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(response.body);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({ code, message: expect.any(String) });
}

describe("fastify's and node's own errors", () => {
  it.each(cases)('$service: $name → $code', async ({ service, request, code }) => {
    const response = await rawExchange(shop.config.urls[service], request);
    expectShopError(response, code);
  });

  it('answer in the shop envelope while a service shuts down', async () => {
    const app = createServer({ service: 'catalog' });
    // a slow step of the shutdown, during which a kept-alive connection sends one more request
    app.addHook('preClose', async () => sleep(400));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const open = await openSocket(url);
    open.socket.write('GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n');
    await expect.poll(() => open.received()).toContain('"status":"ok"');
    const first = open.received().length;
    const closing = app.close();
    await sleep(100);
    open.socket.write('GET /healthz HTTP/1.1\r\nHost: shop\r\n\r\n');
    await open.closed;
    await closing;
    const response = parseResponse(open.received().slice(first));
    expectShopError(response, 'service_unavailable');
    expect(response.headers.connection).toBe('close');
  });
});
