import type { Db } from '../shared/db.ts';
import { telemetry } from '../shared/telemetry.ts';

// Product search on the database's own full-text index: SQLite FTS5 (an external-content table
// over catalog_products, kept in step by triggers) or PostgreSQL's text search (a generated
// tsvector column with a GIN index). Name matches rank above SKU matches, above description
// matches. What a shopper types is reduced to plain word terms first, so FTS syntax in the
// input (quotes, `*`, `:`, `NEAR`, `-`, parentheses) is never parsed as a query and never errors.

export type SearchEngine = 'sqlite-fts5' | 'postgres-fts';

/** At most this many terms of at most this many characters; the rest of the input is ignored. */
const MAX_TERMS = 8;
const MAX_TERM_LENGTH = 40;

/** The words in `text` (letters and digits of any script), lower-cased; everything else separates them. */
export function searchTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words.map((word) => word.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_TERMS);
}

/** Every term as a prefix (`kett` finds "Kettle"), all required: FTS5's MATCH syntax, each term quoted. */
export function fts5Query(terms: readonly string[]): string {
  return terms.map((term) => `"${term}"*`).join(' AND ');
}

/**
 * The same for PostgreSQL's `to_tsquery` (`kett:* & red:*`). Not `websearch_to_tsquery`: it has
 * no prefix operator, and the terms are letters and digits only, so they cannot carry syntax.
 */
export function tsQuery(terms: readonly string[]): string {
  return terms.map((term) => `${term}:*`).join(' & ');
}

export async function migrateSearch(db: Db): Promise<void> {
  if (db.dialect === 'sqlite') await migrateFts5(db);
  else await migratePostgresFts(db);
}

async function migrateFts5(db: Db): Promise<void> {
  await db.exec(`
    CREATE VIRTUAL TABLE IF NOT EXISTS catalog_products_fts USING fts5(
      name, sku, description, content='catalog_products', content_rowid='rowid',
      tokenize='unicode61 remove_diacritics 2', prefix='2 3'
    );
    CREATE TRIGGER IF NOT EXISTS catalog_products_fts_insert AFTER INSERT ON catalog_products BEGIN
      INSERT INTO catalog_products_fts (rowid, name, sku, description) VALUES (new.rowid, new.name, new.sku, new.description);
    END;
    CREATE TRIGGER IF NOT EXISTS catalog_products_fts_delete AFTER DELETE ON catalog_products BEGIN
      INSERT INTO catalog_products_fts (catalog_products_fts, rowid, name, sku, description)
        VALUES ('delete', old.rowid, old.name, old.sku, old.description);
    END;
    CREATE TRIGGER IF NOT EXISTS catalog_products_fts_update AFTER UPDATE ON catalog_products BEGIN
      INSERT INTO catalog_products_fts (catalog_products_fts, rowid, name, sku, description)
        VALUES ('delete', old.rowid, old.name, old.sku, old.description);
      INSERT INTO catalog_products_fts (rowid, name, sku, description) VALUES (new.rowid, new.name, new.sku, new.description);
    END;
  `);
  // rows written before the index existed (an older data folder) are indexed once
  const indexed = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM catalog_products_fts_docsize');
  const products = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM catalog_products');
  if ((indexed?.n ?? 0) !== (products?.n ?? 0)) await db.exec(`INSERT INTO catalog_products_fts (catalog_products_fts) VALUES ('rebuild')`);
}

async function migratePostgresFts(db: Db): Promise<void> {
  await db.exec(`
    ALTER TABLE catalog_products ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple', name), 'A') || setweight(to_tsvector('simple', sku), 'B') ||
      setweight(to_tsvector('simple', description), 'C')
    ) STORED;
    CREATE INDEX IF NOT EXISTS catalog_products_search ON catalog_products USING GIN (search);
  `);
}

export interface SearchFilter {
  terms: readonly string[];
  category?: string;
  limit: number;
  offset: number;
}

const searchLatency = telemetry.histogram({
  name: 'search_query_duration_seconds',
  help: 'Duration of product full-text searches in the catalog database, by engine',
  labelNames: ['engine'],
});

/** Matching rows, best first (then by id), and how many match in all; one `search products` span. */
export const searchProducts = telemetry.traced(
  'search products',
  async <Row>(db: Db, filter: SearchFilter): Promise<{ rows: Row[]; total: number }> => {
    const engine: SearchEngine = db.dialect === 'sqlite' ? 'sqlite-fts5' : 'postgres-fts';
    const started = performance.now();
    const result = engine === 'sqlite-fts5' ? await searchFts5<Row>(db, filter) : await searchPostgres<Row>(db, filter);
    searchLatency.observe({ engine }, (performance.now() - started) / 1000);
    telemetry.setSpanAttributes({
      'search.engine': engine,
      'search.terms': filter.terms.length,
      'search.results': result.rows.length,
      'search.total': result.total,
    });
    return result;
  },
);

async function searchFts5<Row>(db: Db, filter: SearchFilter) {
  const where = ['catalog_products_fts MATCH ?'];
  const params: unknown[] = [fts5Query(filter.terms)];
  if (filter.category) {
    where.push('p.category = ?');
    params.push(filter.category);
  }
  const from = `FROM catalog_products_fts JOIN catalog_products p ON p.rowid = catalog_products_fts.rowid WHERE ${where.join(' AND ')}`;
  const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n ${from}`, params))?.n ?? 0;
  // bm25 weights per column: name, sku, description
  const rows = await db.all<Row>(`SELECT p.* ${from} ORDER BY bm25(catalog_products_fts, 10.0, 5.0, 1.0), p.id LIMIT ? OFFSET ?`, [
    ...params,
    filter.limit,
    filter.offset,
  ]);
  return { rows, total };
}

async function searchPostgres<Row>(db: Db, filter: SearchFilter) {
  const where = [`search @@ to_tsquery('simple', ?)`];
  const params: unknown[] = [tsQuery(filter.terms)];
  if (filter.category) {
    where.push('category = ?');
    params.push(filter.category);
  }
  const clause = `WHERE ${where.join(' AND ')}`;
  const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM catalog_products ${clause}`, params))?.n ?? 0;
  const rows = await db.all<Row>(
    `SELECT id, sku, name, category, description, price_cents, currency FROM catalog_products ${clause}
     ORDER BY ts_rank(search, to_tsquery('simple', ?)) DESC, id LIMIT ? OFFSET ?`,
    [...params, params[0], filter.limit, filter.offset],
  );
  return { rows, total };
}
