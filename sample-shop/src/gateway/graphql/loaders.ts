import DataLoader from 'dataloader';
import type { Upstream } from './upstream.ts';
import { catalogLookupBatch } from '../../shared/catalog-lookup.ts';

export interface CatalogProduct {
  id: string;
  sku: string;
  name: string;
  category: string;
  description: string;
  price: { amount: number; currency: string };
  stock: number | null;
}

export interface CategoryView {
  name: string;
  productCount: number;
}

export interface Loaders {
  /** Products by id: one `GET /products?ids=…` per tick for every id asked (a cart's, an order's lines). */
  product: DataLoader<string, CatalogProduct | null>;
  /** Categories by name: one `GET /categories` per request, however many products ask. */
  category: DataLoader<string, CategoryView | null>;
}

/** Fresh loaders for each GraphQL request: the cache lives as long as the request. */
export function createLoaders(upstream: Upstream): Loaders {
  return {
    product: new DataLoader(
      async (ids) => {
        const query = ids.map(encodeURIComponent).join(',');
        const page = await upstream.get<{ items: CatalogProduct[] }>('catalog', `/products?ids=${query}&limit=${ids.length}`);
        const byId = new Map(page.items.map((product) => [product.id, product]));
        return ids.map((id) => byId.get(id) ?? null);
      },
      { maxBatchSize: catalogLookupBatch },
    ),
    category: new DataLoader(async (names) => {
      const { items } = await upstream.get<{ items: CategoryView[] }>('catalog', '/categories');
      const byName = new Map(items.map((category) => [category.name, category]));
      return names.map((name) => byName.get(name) ?? null);
    }),
  };
}
