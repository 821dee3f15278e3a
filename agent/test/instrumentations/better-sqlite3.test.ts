import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BetterSqlite3Instrumentation } from '../../src/instrumentations/better-sqlite3/instrumentation.ts';
import { RequestContextManager } from '../../src/tracing/context-manager.ts';
import type { LeanSpan } from '../../src/tracing/lean-span.ts';
import { LeanTracerProvider } from '../../src/tracing/lean-tracer.ts';

// The agent's better-sqlite3 instrumentation on the real driver, patched the way the require
// hook patches it: one CLIENT span per statement call inside a trace, none outside, errors on
// the span and still thrown, and iterate()'s span open until the rows are done.

const ended: LeanSpan[] = [];
const provider = new LeanTracerProvider(new AlwaysOnSampler(), [{ onEnd: (span) => ended.push(span) }]);
const instrumentation = new BetterSqlite3Instrumentation({ enabled: false });
let db: Database.Database;
let parent: Span;

beforeAll(() => {
  context.setGlobalContextManager(new RequestContextManager());
  instrumentation.setTracerProvider(provider);
  const [definition] = (instrumentation as unknown as { init(): Array<{ patch(exports: unknown): unknown }> }).init();
  definition!.patch(Database);
  db = new Database(':memory:');
  db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  const insert = db.prepare('INSERT INTO item (name) VALUES (?)');
  for (const name of ['a', 'b', 'c', 'd']) insert.run(name);
});

afterAll(() => {
  db.close();
  context.disable();
});

beforeEach(() => {
  ended.length = 0;
  parent = provider.getTracer('test').startSpan('request', { kind: SpanKind.SERVER });
});

const inTrace = <T>(fn: () => T): T => context.with(trace.setSpan(ROOT_CONTEXT, parent), fn);
const sqlSpans = () => ended.filter((s) => s.kind === SpanKind.CLIENT);

describe('better-sqlite3 instrumentation', () => {
  it('makes one CLIENT span per call inside a trace, with the statement, and none outside', () => {
    inTrace(() => {
      db.prepare('SELECT name FROM item WHERE id = ?').get(1);
      db.prepare('SELECT name FROM item').all();
      db.prepare('UPDATE item SET name = ? WHERE id = ?').run('z', 4);
    });
    db.prepare('SELECT count(*) FROM item').get();
    const spans = sqlSpans();
    expect(spans.map((s) => s.name)).toEqual(['SELECT :memory:', 'SELECT :memory:', 'UPDATE :memory:']);
    for (const span of spans) {
      expect(span.parentSpanId).toBe(parent.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(span.attributes['db.system.name']).toBe('sqlite');
    }
    expect(spans[0]!.attributes['db.query.text']).toBe('SELECT name FROM item WHERE id = ?');
    expect(spans[2]!.attributes['db.operation.name']).toBe('UPDATE');
  });

  it('puts a failing statement’s error on its span and still throws it to the app', () => {
    expect(() => inTrace(() => db.prepare('INSERT INTO item (name) VALUES (?)').run('a'))).toThrow(/UNIQUE/);
    const [span] = sqlSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.events?.[0]?.name).toBe('exception');
  });

  it('keeps iterate()’s span open until the rows are done', () => {
    const names: unknown[] = [];
    inTrace(() => {
      const rows = db.prepare('SELECT name FROM item ORDER BY id').iterate();
      expect(sqlSpans()).toHaveLength(0);
      for (const row of rows) names.push((row as { name: string }).name);
    });
    expect(names).toHaveLength(4);
    expect(sqlSpans()).toHaveLength(1);
  });

  it('ends iterate()’s span when a loop breaks early, once, and the statement is free again', () => {
    const statement = db.prepare('SELECT name FROM item ORDER BY id');
    inTrace(() => {
      for (const row of statement.iterate()) if ((row as { name: string }).name === 'b') break;
    });
    expect(sqlSpans()).toHaveLength(1);
    expect(statement.all()).toHaveLength(4);
  });

  it('ends iterate()’s span with the error when stepping fails', () => {
    db.exec("CREATE TABLE doc (body TEXT); INSERT INTO doc VALUES ('{}'), ('not json')");
    ended.length = 0;
    expect(() => inTrace(() => [...db.prepare('SELECT json(body) FROM doc').iterate()])).toThrow(/JSON/i);
    const [span] = sqlSpans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  });
});
