import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { createRedaction } from '../../src/logging/redact.ts';
import type { LeanSpan } from '../../src/tracing/lean-span.ts';
import { LeanTracerProvider } from '../../src/tracing/lean-tracer.ts';
import { createSpanRedactor } from '../../src/tracing/span-redaction.ts';
import { FIXTURES, startApp, type AppProcess } from '../support/app-process.ts';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';

// Spans get the same redaction as log lines before they are exported: URL queries, exception
// messages and stacks, status messages, secret-named attributes.

const SECRETS = ['abc123', 'k-42', '4111 1111 1111 1111', '4111111111111111', 'jane@example.com', 'abc123def456', 'hunter2'];

describe('createSpanRedactor', () => {
  it('cleans attributes, events, links, the status message and the name of an ended span', () => {
    let ended: LeanSpan | undefined;
    const tracer = new LeanTracerProvider(new AlwaysOnSampler(), [{ onEnd: (span) => (ended = span) }]).getTracer('test');
    const linkAttributes = { 'link.note': 'from jane@example.com' };
    const span = tracer.startSpan('GET /pay?token=abc123', {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': 'GET',
        'url.full': 'https://psp.example/v1/charge?token=abc123&api_key=k-42&page=2',
        'url.query': 'token=abc123&page=2',
        'http.target': '/v1/charge?password=hunter2',
        'http.request.header.authorization': 'Bearer abc123def456',
        'db.query.text': "SELECT * FROM users WHERE email = 'jane@example.com'",
        'app.card': 4111111111111111,
        'app.cards': ['4111 1111 1111 1111', 'none'],
        'app.order_id': 'ord_4111111111111111',
      },
      links: [
        { context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 }, attributes: linkAttributes },
      ],
    });
    span.recordException(new Error('charge failed for jane@example.com with card 4111 1111 1111 1111'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'declined: password=hunter2' });
    span.end();

    createSpanRedactor(createRedaction())(ended!);
    const out = ended!;
    expect(out.name).toBe('GET /pay?token=[REDACTED]');
    expect(out.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': 'https://psp.example/v1/charge?token=[REDACTED]&api_key=[REDACTED]&page=2',
      'url.query': 'token=[REDACTED]&page=2',
      'http.target': '/v1/charge?password=[REDACTED]',
      'http.request.header.authorization': '[REDACTED]',
      'db.query.text': "SELECT * FROM users WHERE email = '[REDACTED:email]'",
      'app.card': '[REDACTED:card]',
      'app.cards': ['[REDACTED:card]', 'none'],
      'app.order_id': 'ord_4111111111111111',
    });
    const exception = out.events![0]!.attributes!;
    expect(exception['exception.message']).toBe('charge failed for [REDACTED:email] with card [REDACTED:card]');
    expect(exception['exception.stacktrace']).toContain('charge failed for [REDACTED:email] with card [REDACTED:card]');
    expect(out.status).toEqual({ code: SpanStatusCode.ERROR, message: 'declined: password=[REDACTED]' });
    expect(out.links![0]!.attributes).toEqual({ 'link.note': 'from [REDACTED:email]' });
    // the caller's own link attributes object is not touched
    expect(linkAttributes['link.note']).toBe('from jane@example.com');
  });
});

describe('spans exported from an app under the agent', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;
  let txid = '';
  let spans: ReceivedSpan[] = [];

  beforeAll(async () => {
    const endpoint = await receiver.start();
    app = await startApp(`${FIXTURES}leaky-app.mjs`, {
      OTEL_SERVICE_NAME: 'leaky',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      SHOPSCOPE_METRICS: 'off',
    });
    const res = await fetch(`http://127.0.0.1:${app.port}/pay`);
    expect(res.status).toBe(200);
    txid = res.headers.get('x-transaction-id') ?? '';
    await res.text();
    spans = await vi.waitFor(
      () => {
        const mine = receiver.spans.filter((s) => s.traceId === txid);
        return present(
          'the client, payment.charge and /pay spans',
          mine.some((s) => s.kind === 3) &&
            mine.some((s) => s.name === 'payment.charge') &&
            mine.some((s) => s.kind === 2 && s.attributes['url.path'] === '/pay')
            ? mine
            : undefined,
        );
      },
      { timeout: 15_000 },
    );
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('arrive with the secret in the URL query redacted', () => {
    const client = spans.find((s) => s.kind === 3)!;
    expect(client.attributes['url.full']).toBe(`http://127.0.0.1:${app.port}/echo?token=[REDACTED]&api_key=[REDACTED]&page=2`);
  });

  it('arrive with the exception message, stack and status message redacted', () => {
    const charge = spans.find((s) => s.name === 'payment.charge')!;
    const exception = charge.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes['exception.message']).toBe(
      'charge failed for [REDACTED:email] with card [REDACTED:card], token=[REDACTED]',
    );
    expect(String(exception.attributes['exception.stacktrace'])).toContain(
      'charge failed for [REDACTED:email] with card [REDACTED:card], token=[REDACTED]',
    );
    expect(charge.statusCode).toBe(SpanStatusCode.ERROR);
    expect(charge.statusMessage).toBe('charge failed for [REDACTED:email] with card [REDACTED:card], token=[REDACTED]');
  });

  it('arrive with secret-named and card-valued attributes redacted, and no secret anywhere', () => {
    const server = spans.find((s) => s.kind === 2 && s.attributes['url.path'] === '/pay')!;
    expect(server.attributes['http.request.header.authorization']).toBe('[REDACTED]');
    expect(server.attributes['app.customer_card']).toBe('[REDACTED:card]');
    const everything = JSON.stringify(receiver.spans);
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});
