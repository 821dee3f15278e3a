import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SpanKind } from '@opentelemetry/api';
import type { AxiosStatic } from 'axios';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sample, startInProcessAgent } from '../support/in-process-agent.ts';

// axios 1.x, the real package, with both of its Node adapters: `http` (node:http, the agent's
// use of @opentelemetry/instrumentation-http) and `fetch` (undici, the agent's own fetch
// instrumentation). Each call is a CLIENT span under the caller's span, named by the callee's
// x-shopscope-service header as `peer.service`, and counted in the outbound RED metrics.

const agent = startInProcessAgent({ serviceName: 'inventory' });
const axios = agent.load<AxiosStatic>('axios');
const tracer = agent.provider.getTracer('test');
let callee: Server;
let base: string;

beforeAll(async () => {
  callee = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/fail') res.statusCode = 500;
    res.end('{"stock":3}');
  }).listen(0, '127.0.0.1');
  await new Promise((resolve) => callee.once('listening', resolve));
  base = `http://127.0.0.1:${(callee.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => callee.close(() => resolve())));

const clientCount = async (status: string) =>
  sample(await agent.scrape(), `http_client_request_duration_seconds_count{peer="inventory",method="GET",status_class="${status}"}`) ?? 0;

describe.each(['http', 'fetch'] as const)('axios with the %s adapter', (adapter) => {
  it('makes a CLIENT span under the caller’s span, with peer.service and the outbound RED metrics', async () => {
    const before = await clientCount('2xx');
    const { traceId, spanId } = await tracer.startActiveSpan('checkout', { kind: SpanKind.SERVER }, async (span) => {
      const response = await axios.get(`${base}/stock/sku-1`, { adapter });
      expect(response.data).toEqual({ stock: 3 });
      span.end();
      return span.spanContext();
    });
    const client = await vi.waitFor(() => {
      const found = agent.spansOf(traceId).find((s) => s.kind === SpanKind.CLIENT);
      expect(found).toBeDefined();
      return found!;
    });
    expect(client.parentSpanId).toBe(spanId);
    expect(client.attributes['peer.service']).toBe('inventory');
    expect(client.attributes['http.response.status_code'] ?? client.attributes['http.status_code']).toBe(200);
    // The callee joined the caller's trace, under the client span.
    const server = await vi.waitFor(() => {
      const found = agent.spansOf(traceId).find((s) => s.kind === SpanKind.SERVER && s.parentSpanId === client.spanContext().spanId);
      expect(found).toBeDefined();
      return found!;
    });
    expect(server.name).toBe('GET');
    await vi.waitFor(async () => expect(await clientCount('2xx')).toBe(before + 1));
  });

  it('counts a 5xx answer as an outbound error', async () => {
    const errors = async () =>
      sample(await agent.scrape(), 'http_client_errors_total{peer="inventory",method="GET",status_class="5xx"}') ?? 0;
    const before = await errors();
    await tracer.startActiveSpan('checkout', async (span) => {
      await expect(axios.get(`${base}/fail`, { adapter })).rejects.toThrow(/500/);
      span.end();
    });
    await vi.waitFor(async () => expect(await errors()).toBe(before + 1));
  });
});
