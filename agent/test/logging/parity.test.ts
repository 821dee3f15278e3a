import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { AlwaysOnSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { Experiments } from '../../src/commerce/experiments.ts';
import { loadConfig } from '../../src/config/env.ts';
import { FieldBuilder } from '../../src/logging/fields.ts';
import { ConventionLogger } from '../../src/logging/logger.ts';
import { createPino } from '../../src/logging/pino-setup.ts';
import { createRedactor, redactString } from '../../src/logging/redact.ts';
import { levelValues } from '../../src/logging/schema.ts';
import { createWinstonFormat } from '../../src/logging/winston-format.ts';
import { useGlobalTracing } from '../support/global-tracing.ts';

// The same call through the convention logger (pino) and through a winston logger using the
// agent's format must give the same fields, name for name and value for value (time aside).

type Line = Record<string, unknown>;

function capture(): { stream: Writable; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n')) if (text.trim()) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { stream, lines };
}

const { config } = loadConfig({ OTEL_SERVICE_NAME: 'cart', SHOPSCOPE_PROFILE: 'stage', SHOPSCOPE_LOG_LEVEL: 'debug' });
const fields = new FieldBuilder(createRedactor(), redactString, new Experiments([]));
const pinoOut = capture();
const pinoLogger = new ConventionLogger(
  { fields, otlp: undefined, minLevel: levelValues.debug },
  createPino(config, fields, pinoOut.stream),
  undefined,
);
const winstonOut = capture();
const winstonLogger = winston.createLogger({
  level: 'debug',
  format: createWinstonFormat({ fields, otlp: undefined, service: config.serviceName, environment: config.environment })(),
  transports: [new winston.transports.Stream({ stream: winstonOut.stream })],
});
const provider = new TracerProvider({ sampler: new AlwaysOnSampler() });

useGlobalTracing(provider);

async function both(viaPino: () => void, viaWinston: () => void): Promise<[Line, Line]> {
  const p = pinoOut.lines.length;
  const w = winstonOut.lines.length;
  viaPino();
  viaWinston();
  await new Promise((r) => setImmediate(r));
  const fromPino = pinoOut.lines[p];
  const fromWinston = winstonOut.lines[w];
  expect(fromPino).toBeDefined();
  expect(fromWinston).toBeDefined();
  for (const line of [fromPino!, fromWinston!]) expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const { time: _a, ...pinoRest } = fromPino!;
  const { time: _b, ...winstonRest } = fromWinston!;
  return [pinoRest, winstonRest];
}

describe('pino logger and winston format write the same fields', () => {
  it('for a plain message', async () => {
    const [p, w] = await both(
      () => pinoLogger.info('cart loaded'),
      () => winstonLogger.info('cart loaded'),
    );
    expect(p).toEqual({ level: 'info', service: 'cart', environment: 'stage', msg: 'cart loaded' });
    expect(w).toEqual(p);
  });

  it('for an event with nested fields', async () => {
    const data = { event: 'cart.updated', cart_id: 'c-1', items: [{ sku: 'A', qty: 2 }], http: { method: 'POST', route: '/cart/:id' } };
    const [p, w] = await both(
      () => pinoLogger.info(data, 'cart updated'),
      () => winstonLogger.info('cart updated', data),
    );
    expect(p).toMatchObject({ event: 'cart.updated', items: [{ sku: 'A', qty: 2 }], http: { route: '/cart/:id' } });
    expect(w).toEqual(p);
  });

  it('for an error passed as err', async () => {
    const err = new RangeError('stock below zero for jane@example.com');
    const [p, w] = await both(
      () => pinoLogger.error({ err, event: 'inventory.failed' }, 'reserve failed'),
      () => winstonLogger.error('reserve failed', { err, event: 'inventory.failed' }),
    );
    expect(p.error).toEqual({
      type: 'RangeError',
      message: 'stock below zero for [REDACTED:email]',
      stack: expect.stringContaining('RangeError'),
    });
    expect(w).toEqual(p);
  });

  it('for an error passed alone', async () => {
    const err = new Error('payment declined');
    const [p, w] = await both(
      () => pinoLogger.error(err),
      () => winstonLogger.error(err),
    );
    expect(p).toMatchObject({ level: 'error', msg: 'payment declined', error: { type: 'Error', message: 'payment declined' } });
    expect(w).toEqual(p);
  });

  it('with secrets redacted the same way, at warn and debug', async () => {
    const data = { user: { email: 'jo@shop.io', password: 'pw' }, card: '4111 1111 1111 1111' };
    const [p, w] = await both(
      () => pinoLogger.warn(data, 'suspicious login from jo@shop.io'),
      () => winstonLogger.warn('suspicious login from jo@shop.io', data),
    );
    expect(p).toMatchObject({
      level: 'warn',
      msg: 'suspicious login from [REDACTED:email]',
      user: { password: '[REDACTED]' },
      card: '[REDACTED:card]',
    });
    expect(w).toEqual(p);
    const [pd, wd] = await both(
      () => pinoLogger.debug({ step: 3 }, 'detail'),
      () => winstonLogger.debug('detail', { step: 3 }),
    );
    expect(pd.level).toBe('debug');
    expect(wd).toEqual(pd);
  });

  it('for child loggers', async () => {
    const [p, w] = await both(
      () => pinoLogger.child({ component: 'pricing' }).info({ sku: 'B' }, 'priced'),
      () => winstonLogger.child({ component: 'pricing' }).info('priced', { sku: 'B' }),
    );
    expect(p).toMatchObject({ component: 'pricing', sku: 'B' });
    expect(w).toEqual(p);
  });

  it('inside a span: the same trace_id and span_id', async () => {
    const tracer = trace.getTracer('test');
    let ids: { traceId: string; spanId: string } | undefined;
    const [p, w] = await tracer.startActiveSpan('work', async (span) => {
      ids = span.spanContext();
      const result = await both(
        () => pinoLogger.info({ event: 'order.placed' }, 'order placed'),
        () => winstonLogger.info('order placed', { event: 'order.placed' }),
      );
      span.end();
      return result;
    });
    expect(p.trace_id).toBe(ids!.traceId);
    expect(p.span_id).toBe(ids!.spanId);
    expect(w).toEqual(p);
  });
});
