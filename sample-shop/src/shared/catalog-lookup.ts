import type { ServiceClient } from './service-client.ts';

/** The most products the catalog answers for one `ids` lookup (its `limit` cap). */
export const catalogLookupBatch = 100;

/**
 * Names and prices for any number of products, asked of the catalog in batches it accepts
 * (side by side), keyed by id; unknown ids are simply absent.
 */
export async function productsByIds<T extends { id: string }>(catalog: ServiceClient, ids: readonly string[]): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += catalogLookupBatch) batches.push(unique.slice(i, i + catalogLookupBatch));
  const pages = await Promise.all(
    batches.map((batch) => catalog.get<{ items: T[] }>(`/products?ids=${batch.map(encodeURIComponent).join(',')}&limit=${batch.length}`)),
  );
  return new Map(pages.flatMap((page) => page.items).map((product) => [product.id, product]));
}
