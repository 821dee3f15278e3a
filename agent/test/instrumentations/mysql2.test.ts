import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startMariaDb, type RunningMariaDb } from '@shopscope/testkit';
import type * as Mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sample, startInProcessAgent } from '../support/in-process-agent.ts';

// mysql2 on a real MariaDB of the test's own (Debian's mariadb-server; `npm test` installs it):
// CLIENT spans only inside a trace, statements without bind values or literals, and
// db_client_operation_duration_seconds by system and operation.

const agent = startInProcessAgent();
const mysql = agent.load<typeof Mysql>('mysql2/promise');
const tracer = agent.provider.getTracer('test');
let server: RunningMariaDb;
let db: Mysql.Connection;

beforeAll(async () => {
  server = await startMariaDb();
  db = await mysql.createConnection({ host: server.host, port: server.port, user: server.user, database: server.database });
  await db.query('CREATE TABLE customer (id INT PRIMARY KEY, email VARCHAR(100) NOT NULL)');
  await db.execute('INSERT INTO customer (id, email) VALUES (?, ?)', [739_142, 'alice@example.com']);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await server?.stop();
});

const sqlSpans = (traceId: string) => agent.spansOf(traceId).filter((s) => s.kind === SpanKind.CLIENT);

describe('mysql2 instrumentation', () => {
  it('makes no span outside a trace (set-up above, pools, migrations)', () => {
    expect(agent.ended.filter((s) => s.attributes['db.system.name'] === 'mysql')).toEqual([]);
  });

  it('records statements without bind values or literals, under the caller’s span', async () => {
    const traceId = await tracer.startActiveSpan('request', { kind: SpanKind.SERVER }, async (span) => {
      const [rows] = await db.execute('SELECT email FROM customer WHERE id = ?', [739_142]);
      expect(rows).toEqual([{ email: 'alice@example.com' }]);
      await db.query("SELECT id FROM customer WHERE email = 'alice@example.com' AND id > 739141");
      await db.execute('UPDATE customer SET email = ? WHERE id = ?', ['bob@example.com', 739_142]);
      span.end();
      return span.spanContext().traceId;
    });
    const spans = sqlSpans(traceId);
    expect(spans.map((s) => s.attributes['db.query.text'])).toEqual([
      'SELECT email FROM customer WHERE id = ?',
      'SELECT id FROM customer WHERE email = ? AND id > ?',
      'UPDATE customer SET email = ? WHERE id = ?',
    ]);
    const everything = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes })));
    // Ids no port number or duration could spell by chance (a server port once held "42").
    for (const value of ['alice@example.com', 'bob@example.com', '739142', '739141']) expect(everything).not.toContain(value);
    for (const span of spans) {
      expect(span.attributes['db.system.name']).toBe('mysql');
      expect(span.parentSpanId).toBeDefined();
    }
    const text = await agent.scrape();
    expect(sample(text, 'db_client_operation_duration_seconds_count{db_system="mysql",operation="SELECT"}')).toBe(2);
    expect(sample(text, 'db_client_operation_duration_seconds_count{db_system="mysql",operation="UPDATE"}')).toBe(1);
  });

  it('puts a failing statement’s error on its span and in db_client_errors_total, and still rejects', async () => {
    const traceId = await tracer.startActiveSpan('request', async (span) => {
      await expect(db.query('SELECT nope FROM customer')).rejects.toThrow(/Unknown column/);
      span.end();
      return span.spanContext().traceId;
    });
    const [failed] = sqlSpans(traceId);
    expect(failed!.status.code).toBe(SpanStatusCode.ERROR);
    expect(sample(await agent.scrape(), 'db_client_errors_total{db_system="mysql",operation="SELECT"}')).toBe(1);
  });
});
