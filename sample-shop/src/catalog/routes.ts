import { z } from 'zod';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../shared/db.ts';
import type { FlagStore } from '../shared/flags.ts';
import { ShopError } from '../shared/errors.ts';
import { money } from '../shared/money.ts';
import { parseInput } from '../shared/validation.ts';
import { sleep } from '../shared/sleep.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import { searchProducts, searchTerms } from './search.ts';

// The catalog's HTTP routes, one fastify plugin: the product list and search (search.ts), one product, the categories.

export interface CatalogRouteOptions {
  db: Db;
  flags: FlagStore;
  inventory: ServiceClient;
}

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  category: string;
  description: string;
  price_cents: number;
  currency: string;
}

const listQuery = z.object({
  q: z.string().max(100).optional(),
  category: z.string().max(50).optional(),
  ids: z
    .string()
    .max(100 * 65)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.string().max(64)).max(100))
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const idParams = z.object({ id: z.string().min(1).max(64) });

export const catalogRoutes: FastifyPluginAsync<CatalogRouteOptions> = async (app, { db, flags, inventory }) => {
  async function slowQueryFault() {
    const ms = flags.get().catalogSlowQueryMs;
    if (ms > 0) await sleep(ms);
  }

  /** Stock comes from inventory; when it is down the list still shows, with stock unknown. */
  async function stockOf(ids: string[]): Promise<Record<string, number> | undefined> {
    if (ids.length === 0) return {};
    try {
      const body = await inventory.get<{ stock: Record<string, number> }>(`/stock?ids=${ids.map(encodeURIComponent).join(',')}`, {
        timeoutMs: 2000,
      });
      return body.stock;
    } catch {
      return undefined;
    }
  }

  function present(row: ProductRow, stock: Record<string, number> | undefined) {
    return {
      id: row.id,
      sku: row.sku,
      name: row.name,
      category: row.category,
      description: row.description,
      price: money(row.price_cents),
      stock: stock ? (stock[row.id] ?? 0) : null,
    };
  }

  app.get('/products', async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    await slowQueryFault();
    const { rows, total } = query.q?.trim() ? await search(query) : await list(query);
    const stock = await stockOf(rows.map((r) => r.id));
    return { items: rows.map((r) => present(r, stock)), total };
  });

  /** Full-text search, best match first; input with no word in it matches nothing. */
  async function search(query: z.infer<typeof listQuery>) {
    const terms = searchTerms(query.q ?? '');
    if (terms.length === 0 || query.ids?.length === 0) return { rows: [], total: 0 };
    const found = await searchProducts<ProductRow>(db, { terms, category: query.category, limit: query.limit, offset: query.offset });
    // an `ids` filter with a search is rare (no caller sends both): applied to the ranked page
    if (!query.ids) return found;
    const ids = new Set(query.ids);
    const rows = found.rows.filter((row) => ids.has(row.id));
    return { rows, total: rows.length };
  }

  async function list(query: z.infer<typeof listQuery>) {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.category) {
      where.push('category = ?');
      params.push(query.category);
    }
    if (query.ids) {
      if (query.ids.length === 0) return { rows: [], total: 0 };
      where.push(`id IN (${query.ids.map(() => '?').join(', ')})`);
      params.push(...query.ids);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM catalog_products ${clause}`, params))?.n ?? 0;
    const rows = await db.all<ProductRow>(`SELECT * FROM catalog_products ${clause} ORDER BY id LIMIT ? OFFSET ?`, [
      ...params,
      query.limit,
      query.offset,
    ]);
    return { rows, total };
  }

  app.get('/products/:id', async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    await slowQueryFault();
    const row = await db.get<ProductRow>('SELECT * FROM catalog_products WHERE id = ?', [id]);
    if (!row) throw new ShopError('product_not_found', `no product with id ${JSON.stringify(id)}`);
    return present(row, await stockOf([row.id]));
  });

  app.get('/categories', async () => {
    const rows = await db.all<{ category: string; n: number }>(
      'SELECT category, COUNT(*) AS n FROM catalog_products GROUP BY category ORDER BY category',
    );
    return { items: rows.map((r) => ({ name: r.category, productCount: r.n })) };
  });
};
