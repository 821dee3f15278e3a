import Database from 'better-sqlite3';
import type pg from 'pg';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The little the services need from a database, over SQLite (default) and PostgreSQL
 * (when DATABASE_URL is set). Statements use `?` placeholders and the SQL both dialects share.
 */
export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `fn` in one transaction; a thrown error rolls it back. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL connection string; without it the service uses SQLite at `sqlitePath`. */
  databaseUrl?: string;
  sqlitePath: string;
}

export function openDb(options: DbOptions): Db {
  return options.databaseUrl ? new PostgresDb(options.databaseUrl) : new SqliteDb(options.sqlitePath);
}

/** Serialises async critical sections: better-sqlite3 has one connection per service. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async lock<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

class SqliteDb implements Db {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly mutex = new Mutex();
  private readonly statements = new Map<string, Database.Statement>();

  constructor(path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('synchronous = NORMAL');
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private direct(): Db {
    return {
      dialect: 'sqlite',
      all: async <T>(sql: string, params: readonly unknown[] = []) => this.prepare(sql).all(...params) as T[],
      get: async <T>(sql: string, params: readonly unknown[] = []) => this.prepare(sql).get(...params) as T | undefined,
      run: async (sql: string, params: readonly unknown[] = []) => this.prepare(sql).run(...params).changes,
      transaction: async <T>(fn: (tx: Db) => Promise<T>) => fn(this.direct()),
      exec: async (script: string) => void this.db.exec(script),
      close: async () => undefined,
    };
  }

  all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.mutex.lock(async () => this.prepare(sql).all(...params) as T[]);
  }
  get<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    return this.mutex.lock(async () => this.prepare(sql).get(...params) as T | undefined);
  }
  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    return this.mutex.lock(async () => this.prepare(sql).run(...params).changes);
  }
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return this.mutex.lock(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.direct());
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }
  exec(script: string): Promise<void> {
    return this.mutex.lock(async () => void this.db.exec(script));
  }
  async close(): Promise<void> {
    await this.mutex.lock(async () => this.db.close());
  }
}

/**
 * pg is loaded only in PostgreSQL mode: it costs each process ≈ 15 MB resident, and five of the
 * six services run on SQLite by default. Loaded through require, as the agent's pg
 * instrumentation expects.
 */
function loadPg(): typeof pg {
  const driver = createRequire(import.meta.url)('pg') as typeof pg;
  // BIGINT and COUNT(*) come back as strings by default; the shop's values fit in a double.
  driver.types.setTypeParser(20, (value) => Number(value));
  driver.types.setTypeParser(1700, (value) => Number(value));
  return driver;
}

function toPositional(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

class PostgresDb implements Db {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(url: string) {
    this.pool = new (loadPg().Pool)({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
    // An idle client's error (the server restarting) must not crash the service.
    this.pool.on('error', () => undefined);
  }

  private static on(client: pg.Pool | pg.PoolClient): Omit<Db, 'transaction' | 'close'> {
    return {
      dialect: 'postgres',
      all: async <T>(sql: string, params: readonly unknown[] = []) =>
        (await client.query(toPositional(sql), params as unknown[])).rows as T[],
      get: async <T>(sql: string, params: readonly unknown[] = []) =>
        (await client.query(toPositional(sql), params as unknown[])).rows[0] as T | undefined,
      run: async (sql: string, params: readonly unknown[] = []) =>
        (await client.query(toPositional(sql), params as unknown[])).rowCount ?? 0,
      exec: async (script: string) => void (await client.query(script)),
    };
  }

  all<T>(sql: string, params?: readonly unknown[]) {
    return PostgresDb.on(this.pool).all<T>(sql, params);
  }
  get<T>(sql: string, params?: readonly unknown[]) {
    return PostgresDb.on(this.pool).get<T>(sql, params);
  }
  run(sql: string, params?: readonly unknown[]) {
    return PostgresDb.on(this.pool).run(sql, params);
  }
  exec(script: string) {
    return PostgresDb.on(this.pool).exec(script);
  }
  async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: Db = {
      ...PostgresDb.on(client),
      transaction: (inner) => inner(tx),
      close: async () => undefined,
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}
