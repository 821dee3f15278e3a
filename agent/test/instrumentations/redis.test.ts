import { SpanKind } from '@opentelemetry/api';
import { startRedis, type RunningRedis } from '@shopscope/testkit';
import type { Redis as IORedis } from 'ioredis';
import type * as NodeRedis from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, startInProcessAgent } from '../support/in-process-agent.ts';

// ioredis and node-redis (v5) on a real Redis of the test's own (Debian's redis-server; `npm
// test` installs it): CLIENT spans only inside a trace, the command name only (never keys or
// values), and db_client_operation_duration_seconds{db_system="redis", operation}.

const agent = startInProcessAgent();
const { Redis } = agent.load<{ Redis: typeof IORedis }>('ioredis');
const { createClient } = agent.load<typeof NodeRedis>('redis');
const tracer = agent.provider.getTracer('test');
let server: RunningRedis;
let ioredis: IORedis;
let nodeRedis: ReturnType<typeof NodeRedis.createClient>;

beforeAll(async () => {
  server = await startRedis();
  ioredis = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true });
  await ioredis.connect();
  nodeRedis = createClient({ url: server.url });
  await nodeRedis.connect();
  await ioredis.set('warm-up', '1');
  await nodeRedis.get('warm-up');
}, 60_000);

afterAll(async () => {
  ioredis?.disconnect();
  await nodeRedis?.quit();
  await server?.stop();
});

const SECRET_KEY = 'session:alice@example.com';
const SECRET_VALUE = 'cart-4111111111111111';

async function inTrace(work: () => Promise<void>): Promise<string> {
  return tracer.startActiveSpan('request', { kind: SpanKind.SERVER }, async (span) => {
    await work();
    span.end();
    return span.spanContext().traceId;
  });
}

function redisSpans(traceId: string) {
  return agent.spansOf(traceId).filter((s) => s.kind === SpanKind.CLIENT && s.attributes['db.system.name'] === 'redis');
}

describe('Redis instrumentations', () => {
  it('make no span outside a trace (connect and warm-up above)', () => {
    expect(agent.ended.filter((s) => s.attributes['db.system.name'] === 'redis')).toEqual([]);
  });

  it.each([
    ['ioredis', () => ioredis.set(SECRET_KEY, SECRET_VALUE), () => ioredis.get(SECRET_KEY), () => ioredis.hset('h', 'email', SECRET_KEY)],
    [
      'redis',
      () => nodeRedis.set(SECRET_KEY, SECRET_VALUE),
      () => nodeRedis.get(SECRET_KEY),
      () => nodeRedis.hSet('h', 'email', SECRET_KEY),
    ],
  ] as const)('%s: the command name only, under the caller’s span', async (_name, set, get, hset) => {
    const before = await agent.scrape();
    const traceId = await inTrace(async () => {
      await set();
      expect(await get()).toBe(SECRET_VALUE);
      await hset();
    });
    const spans = redisSpans(traceId);
    expect(spans.map((s) => s.attributes['db.operation.name'])).toEqual(expect.arrayContaining(['set', 'get', 'hset'].map(caseOf(spans))));
    expect(spans).toHaveLength(3);
    for (const span of spans) expect(span.attributes['db.query.text']).toMatch(/^(SET|GET|HSET)$/);
    expect(JSON.stringify(spans.map((s) => ({ n: s.name, a: s.attributes, e: s.events })))).not.toMatch(/alice|4111|cart-/);
    const after = await agent.scrape();
    const count = (text: string, op: string) =>
      sample(text, `db_client_operation_duration_seconds_count{db_system="redis",operation="${op}"}`) ?? 0;
    for (const op of ['SET', 'GET', 'HSET']) expect(count(after, op) - count(before, op)).toBe(1);
  });
});

/** The instrumentations differ in the case of db.operation.name (ioredis lower, redis upper). */
function caseOf(spans: ReadonlyArray<{ attributes: Record<string, unknown> }>) {
  const upper = spans.some((s) => s.attributes['db.operation.name'] === 'SET');
  return (op: string) => (upper ? op.toUpperCase() : op);
}
