import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type createExpress from 'express';
import type { Express as App, NextFunction, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expressInstrumentation } from '../../src/http/express-routes.ts';
import { TRANSACTION_HEADER } from '../../src/http/server-requests.ts';
import { sample, startInProcessAgent } from '../support/in-process-agent.ts';

// express 4 and 5, the real packages: the route template of nested routers names the SERVER
// span and the RED metrics' `route` label; unmatched paths never become a label; a handler's
// error answered by an error handler is a 5xx on the span and in http_server_errors_total.

const agent = startInProcessAgent();
// express 5 is patched by the agent's require hook (chosen.ts); express 4 is installed under
// the alias `express4`, which the hook does not match by name, so the same instrumentation
// (http/express-routes.ts) patches it the way the hook would.
const express5 = agent.load<typeof createExpress>('express');
const express4 = agent.load<typeof createExpress>('express4');
const express4Patcher = expressInstrumentation(agent.metrics);
express4Patcher.setTracerProvider(agent.provider);
(express4Patcher as unknown as { init(): Array<{ patch(exports: unknown, version: string): unknown }> })
  .init()[0]!
  .patch(express4, '4.22.3');

function shopApp(express: typeof createExpress): App {
  const app = express();
  const api = express.Router();
  const v1 = express.Router();
  v1.use((_req, _res, next) => next());
  v1.get('/orders/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  v1.get('/orders/:id/lines/:line', (req, res) => {
    res.json({ id: req.params.id, line: req.params.line });
  });
  v1.get('/boom', () => {
    throw new Error('handler failed');
  });
  api.use('/v1', v1);
  app.use('/api', api);
  app.use((error: Error, _req: ExpressRequest, res: ExpressResponse, _next: NextFunction) => {
    res.status(500).json({ error: error.message });
  });
  return app;
}

const versions = [
  { name: 'express 5', express: express5, version: '5.3.0' },
  { name: 'express 4', express: express4, version: '4.22.3' },
] as const;

describe.each(versions)('$name', ({ express, version }) => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    expect((express as unknown as { application: object }).application).toBeDefined();
    server = shopApp(express).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const serverSpan = async (response: Response) => {
    const traceId = response.headers.get(TRANSACTION_HEADER)!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    return vi.waitFor(() => {
      const span = agent.spansOf(traceId).find((s) => s.kind === SpanKind.SERVER);
      expect(span).toBeDefined();
      return span!;
    });
  };

  it(`names the SERVER span and the route label from nested routers (${version})`, async () => {
    const response = await fetch(`${base}/api/v1/orders/42?secret=x`);
    expect(await response.json()).toEqual({ id: '42' });
    const span = await serverSpan(response);
    expect(span.name).toBe('GET /api/v1/orders/:id');
    expect(span.attributes['http.route']).toBe('/api/v1/orders/:id');
    const deeper = await serverSpan(await fetch(`${base}/api/v1/orders/7/lines/3`));
    expect(deeper.name).toBe('GET /api/v1/orders/:id/lines/:line');
    // One request_handler span under the SERVER span; middleware and routers make none.
    const children = agent.spansOf(span.spanContext().traceId).filter((s) => s.parentSpanId === span.spanContext().spanId);
    expect(children.map((s) => s.name)).toEqual(['request handler - /api/v1/orders/:id']);
    const text = await agent.scrape();
    expect(sample(text, 'http_server_requests_total{method="GET",route="/api/v1/orders/:id",status_class="2xx"}')).toBeGreaterThanOrEqual(
      1,
    );
  });

  it(`keeps unmatched paths out of span names and labels (${version})`, async () => {
    const response = await fetch(`${base}/no/such/path-${version}`);
    expect(response.status).toBe(404);
    const span = await serverSpan(response);
    expect(span.name).toBe('GET');
    expect(span.attributes['http.route']).toBeUndefined();
    const text = await agent.scrape();
    expect(text).not.toContain('/no/such');
    expect(sample(text, 'http_server_requests_total{method="GET",route="unknown",status_class="4xx"}')).toBeGreaterThanOrEqual(1);
  });

  it(`records a handler error answered by the error handler as a 5xx (${version})`, async () => {
    const response = await fetch(`${base}/api/v1/boom`);
    expect(response.status).toBe(500);
    const span = await serverSpan(response);
    expect(span.name).toBe('GET /api/v1/boom');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['http.response.status_code']).toBe(500);
    const text = await agent.scrape();
    expect(sample(text, 'http_server_errors_total{method="GET",route="/api/v1/boom",status_class="5xx"}')).toBeGreaterThanOrEqual(1);
  });
});
