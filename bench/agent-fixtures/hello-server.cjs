/* eslint-disable @typescript-eslint/no-require-imports */
/* global require */
// The fixed cost per request: a plain node:http JSON hello route (CommonJS, so that every mode,
// including plain auto-instrumentation, instruments it).
const { createServer } = require('node:http');

const body = JSON.stringify({ hello: 'world' });
const server = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ listening: server.address().port })}\n`));
