import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { present } from '@shopscope/testkit';
import { loadConfig } from '../../src/config/env.ts';
import { startOtlpLogs, type OtlpLogs } from '../../src/logging/otlp-logs.ts';
import { createRedaction } from '../../src/logging/redact.ts';
import { FIXTURES, startApp, type AppProcess } from '../support/app-process.ts';
import { OtlpReceiver } from '../support/otlp-receiver.ts';

// Log records that reach the collector through the SDK LoggerProvider (the app's own pino lines,
// anything logged through the OpenTelemetry logs API) never pass the agent's logger: they are
// redacted as they are encoded, with the agent's rules and SHOPSCOPE_REDACT names.

describe('the OTLP copy of records from the logs API', () => {
  const receiver = new OtlpReceiver();
  let otlp: OtlpLogs;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const { config } = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    otlp = startOtlpLogs(config, resourceFromAttributes({ 'service.name': 'otlp-logs-test' }), () => {}, createRedaction(['phone']));
  });

  afterAll(async () => {
    await otlp.provider.shutdown();
    await receiver.stop();
  });

  it('is redacted: body, attributes, nested values and SHOPSCOPE_REDACT names', async () => {
    logs.getLogger('app').emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'info',
      body: 'paid with 4111 1111 1111 1111 by jane@example.com',
      attributes: {
        order_id: 'o-48213',
        card: '4111111111111111',
        customer: { phone: '555-0100', password: 'hunter2' },
        url: 'https://x.example/cb?token=abc',
      },
    });
    logs.getLogger('app').emit({ severityNumber: SeverityNumber.INFO, body: 'clean line', attributes: { order_id: 'o-1' } });
    await otlp.flush();
    const record = await vi.waitFor(
      () =>
        present(
          "the 'paid with' record",
          receiver.logs.find((l) => String(l.body).startsWith('paid with')),
        ),
      { timeout: 15_000 },
    );
    expect(record.body).toBe('paid with [REDACTED:card] by [REDACTED:email]');
    expect(record.attributes).toEqual({
      order_id: 'o-48213',
      card: '[REDACTED:card]',
      customer: { phone: '[REDACTED]', password: '[REDACTED]' },
      url: 'https://x.example/cb?token=[REDACTED]',
    });
    const clean = await vi.waitFor(
      () =>
        present(
          'the clean record',
          receiver.logs.find((l) => l.body === 'clean line'),
        ),
      { timeout: 15_000 },
    );
    expect(clean.attributes).toEqual({ order_id: 'o-1' });
  });
});

describe("the app's own pino lines over OTLP", () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    app = await startApp(`${FIXTURES}leaky-app.mjs`, {
      OTEL_SERVICE_NAME: 'leaky-logs',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      SHOPSCOPE_METRICS: 'off',
    });
    const res = await fetch(`http://127.0.0.1:${app.port}/pay`);
    expect(res.status).toBe(200);
    await res.text();
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('arrive with the card number, e-mail and secret fields redacted', async () => {
    const record = await vi.waitFor(
      () =>
        present(
          "the leaky pino logger's record",
          receiver.logs.find((l) => l.attributes.source === 'leaky-pino'),
        ),
      { timeout: 15_000 },
    );
    expect(record.body).toBe('paid with [REDACTED:card] by [REDACTED:email]');
    expect(record.attributes.card).toBe('[REDACTED:card]');
    expect(record.attributes.payment).toEqual({ password: '[REDACTED]', note: 'cvv [REDACTED]' });
    expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
    const everything = JSON.stringify(receiver.logs);
    for (const secret of ['4111', 'jane@example.com', 'hunter2', 'cvv 123']) expect(everything).not.toContain(secret);
  });
});
