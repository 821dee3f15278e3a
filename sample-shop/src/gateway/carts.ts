import { proxyRoutes } from './proxy.ts';

/** The cart's public routes: a new cart, a cart, its lines. */
export const cartRoutes = proxyRoutes('cart', [
  { method: 'POST', path: '/api/carts', target: '/carts' },
  { method: 'GET', path: '/api/carts/:id', target: '/carts/:id' },
  { method: 'POST', path: '/api/carts/:id/items', target: '/carts/:id/items' },
  { method: 'PUT', path: '/api/carts/:id/items/:productId', target: '/carts/:id/items/:productId' },
  { method: 'DELETE', path: '/api/carts/:id/items/:productId', target: '/carts/:id/items/:productId' },
]);
