import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

export interface BetterSqlite3InstrumentationConfig extends InstrumentationConfig {
  /** Longest SQL text kept on a span (default 1000 characters). */
  maxQueryLength?: number;
}

/** The parts of better-sqlite3's classes the instrumentation touches. */
export interface DatabaseLike {
  name: string;
  prepare(sql: string): StatementLike;
  exec(sql: string): unknown;
}

export interface StatementLike {
  source: string;
  database: DatabaseLike;
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown;
  iterate(...params: unknown[]): unknown;
}

export type DatabaseConstructor = { prototype: DatabaseLike };
