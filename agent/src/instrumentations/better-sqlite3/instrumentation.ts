import { basename } from 'node:path';
import { SpanKind, context, trace, type Attributes, type Span } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { ATTR_DB_NAMESPACE, ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME, DB_SYSTEM_SQLITE } from './semconv.ts';
import { recordFailure } from '../../tracing/span-failure.ts';
import type { BetterSqlite3InstrumentationConfig, DatabaseConstructor, DatabaseLike, StatementLike } from './types.ts';

// better-sqlite3 has no instrumentation in opentelemetry-js-contrib (nor a maintained
// third-party one), so the agent carries this small one. It uses the base class's
// require-in-the-middle / import-in-the-middle hooks to reach the module, then wraps the
// Statement prototype once (found from the first prepared statement: the native class is not
// exported) and Database#exec. Calls are synchronous, so each span starts and ends in the call.
// Spans are made only inside a trace, so start-up migrations don't produce root spans.

export const SUPPORTED_VERSIONS = ['>=9.0.0 <13'];
const STATEMENT_METHODS = ['run', 'get', 'all', 'iterate'] as const;
const PATCHED = Symbol.for('shopscope.better-sqlite3.patched');
const VERSION = '0.1.0';

const MAX_STATEMENTS = 1000;

interface StatementInfo {
  name: string;
  attributes: Attributes;
}

export class BetterSqlite3Instrumentation extends InstrumentationBase<BetterSqlite3InstrumentationConfig> {
  private statementProto: Record<string, unknown> | undefined;
  private readonly statements = new WeakMap<DatabaseLike, Map<string, StatementInfo>>();
  private readonly unnamed = new Map<string, StatementInfo>();

  constructor(config: BetterSqlite3InstrumentationConfig = {}) {
    super('@shopscope/instrumentation-better-sqlite3', VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'better-sqlite3',
        SUPPORTED_VERSIONS,
        (moduleExports: unknown) => {
          const Database = databaseClass(moduleExports);
          if (Database) this.patchDatabase(Database.prototype);
          return moduleExports;
        },
        (moduleExports: unknown) => {
          const Database = databaseClass(moduleExports);
          if (Database) this.unpatchAll(Database.prototype);
        },
      ),
    ];
  }

  private patchDatabase(proto: DatabaseLike): void {
    if ((proto as unknown as Record<symbol, boolean>)[PATCHED]) return;
    (proto as unknown as Record<symbol, boolean>)[PATCHED] = true;
    const patchStatementOnce = (statement: StatementLike): void => this.patchStatementOnce(statement);
    const traceCall = <R>(db: DatabaseLike, sql: string, call: () => R): R => this.traceCall(db, sql, call);
    this._wrap(
      proto,
      'prepare',
      (original: DatabaseLike['prepare']) =>
        function prepare(this: DatabaseLike, sql: string): StatementLike {
          const statement = original.call(this, sql);
          patchStatementOnce(statement);
          return statement;
        },
    );
    this._wrap(
      proto,
      'exec',
      (original: DatabaseLike['exec']) =>
        function exec(this: DatabaseLike, sql: string): unknown {
          return traceCall(this, sql, () => original.call(this, sql));
        },
    );
  }

  private patchStatementOnce(statement: StatementLike): void {
    if (this.statementProto) return;
    const proto = Object.getPrototypeOf(statement) as Record<string, unknown>;
    this.statementProto = proto;
    const traceCall = <R>(db: DatabaseLike, sql: string, call: () => R): R => this.traceCall(db, sql, call);
    const traceIterate = (db: DatabaseLike, sql: string, call: () => Iterator<unknown>): Iterator<unknown> =>
      this.traceIterate(db, sql, call);
    for (const method of STATEMENT_METHODS) {
      if (typeof proto[method] !== 'function') continue;
      const traceMethod = method === 'iterate' ? traceIterate : traceCall;
      this._wrap(
        proto,
        method,
        ((original: (...args: unknown[]) => unknown) =>
          function (this: StatementLike, ...args: unknown[]): unknown {
            return traceMethod(this.database, this.source, () => original.apply(this, args) as Iterator<unknown>);
          }) as never,
      );
    }
  }

  private unpatchAll(proto: DatabaseLike): void {
    this._unwrap(proto, 'prepare');
    this._unwrap(proto, 'exec');
    delete (proto as unknown as Record<symbol, boolean>)[PATCHED];
    if (this.statementProto) for (const method of STATEMENT_METHODS) this._unwrap(this.statementProto, method);
    this.statementProto = undefined;
  }

  /** What a span needs from a statement, worked out once per SQL text and database. */
  private describe(db: DatabaseLike | undefined, sql: string): StatementInfo {
    let byDb = db ? this.statements.get(db) : this.unnamed;
    if (byDb === undefined) {
      byDb = new Map();
      if (db) this.statements.set(db, byDb);
    }
    let info = byDb.get(sql);
    if (info === undefined) {
      const operation = /^\s*([A-Za-z]+)/.exec(sql)?.[1]?.toUpperCase() ?? 'QUERY';
      const namespace = db?.name ? basename(db.name) : 'main';
      info = {
        name: `${operation} ${namespace}`,
        attributes: {
          [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_SQLITE,
          [ATTR_DB_OPERATION_NAME]: operation,
          [ATTR_DB_NAMESPACE]: namespace,
          [ATTR_DB_QUERY_TEXT]: sql.slice(0, this.getConfig().maxQueryLength ?? 1000),
        },
      };
      // Statements are few and fixed in real apps; SQL built per call must not grow this.
      if (byDb.size < MAX_STATEMENTS) byDb.set(sql, info);
    }
    return info;
  }

  /** A span for the statement, only inside a trace (start-up migrations make none). */
  private startSpan(db: DatabaseLike | undefined, sql: string): Span | undefined {
    const parent = context.active();
    if (!trace.getSpan(parent)) return undefined;
    try {
      const info = this.describe(db, sql);
      return this.tracer.startSpan(info.name, { kind: SpanKind.CLIENT, attributes: info.attributes }, parent);
    } catch {
      return undefined;
    }
  }

  private traceCall<R>(db: DatabaseLike | undefined, sql: string, call: () => R): R {
    const span = this.startSpan(db, sql);
    if (span === undefined) return call();
    try {
      return call();
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * `iterate()` returns rows one at a time: its span lasts until the iterator is done, returned
   * (a `for…of` that breaks) or throws, so it covers the work of stepping through the rows.
   */
  private traceIterate(db: DatabaseLike | undefined, sql: string, call: () => Iterator<unknown>): Iterator<unknown> {
    const span = this.startSpan(db, sql);
    if (span === undefined) return call();
    let open = true;
    const end = (failure?: { error: unknown }): void => {
      if (!open) return;
      open = false;
      if (failure) recordFailure(span, failure.error);
      span.end();
    };
    let rows: Iterator<unknown>;
    try {
      rows = call();
    } catch (error) {
      end({ error });
      throw error;
    }
    const traced: IterableIterator<unknown> = {
      next(...args: [] | [unknown]) {
        try {
          const result = rows.next(...args);
          if (result.done) end();
          return result;
        } catch (error) {
          end({ error });
          throw error;
        }
      },
      return(value?: unknown) {
        end();
        return rows.return ? rows.return(value) : { done: true, value };
      },
      throw(error?: unknown) {
        end({ error });
        if (rows.throw) return rows.throw(error);
        throw error;
      },
      [Symbol.iterator]() {
        return traced;
      },
    };
    return traced;
  }
}

function databaseClass(moduleExports: unknown): DatabaseConstructor | undefined {
  const candidate: unknown = typeof moduleExports === 'function' ? moduleExports : (moduleExports as { default?: unknown })?.default;
  return typeof candidate === 'function' && candidate.prototype ? (candidate as unknown as DatabaseConstructor) : undefined;
}
