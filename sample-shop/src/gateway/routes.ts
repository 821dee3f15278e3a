import type { ServiceName } from '../shared/config.ts';

/**
 * The public API: each route the gateway answers and where it goes. Only these reach the
 * services; their internal routes (reservations, charges, cart checkout) stay private.
 */
export interface PublicRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify path under /api */
  path: string;
  service: ServiceName;
  /** the service's path, with the same :params */
  target: string;
}

export const publicRoutes: readonly PublicRoute[] = [
  { method: 'GET', path: '/api/products', service: 'catalog', target: '/products' },
  { method: 'GET', path: '/api/products/:id', service: 'catalog', target: '/products/:id' },
  { method: 'GET', path: '/api/categories', service: 'catalog', target: '/categories' },
  { method: 'POST', path: '/api/carts', service: 'cart', target: '/carts' },
  { method: 'GET', path: '/api/carts/:id', service: 'cart', target: '/carts/:id' },
  { method: 'POST', path: '/api/carts/:id/items', service: 'cart', target: '/carts/:id/items' },
  { method: 'PUT', path: '/api/carts/:id/items/:productId', service: 'cart', target: '/carts/:id/items/:productId' },
  { method: 'DELETE', path: '/api/carts/:id/items/:productId', service: 'cart', target: '/carts/:id/items/:productId' },
  { method: 'POST', path: '/api/checkout', service: 'orders', target: '/checkout' },
  { method: 'GET', path: '/api/orders/:id', service: 'orders', target: '/orders/:id' },
];

export function targetPath(template: string, params: Record<string, string>): string {
  return template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}
