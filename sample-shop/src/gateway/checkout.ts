import { proxyRoutes } from './proxy.ts';

/** The orders service's public routes: the checkout and the order it made. */
export const checkoutRoutes = proxyRoutes('orders', [
  { method: 'POST', path: '/api/checkout', target: '/checkout' },
  { method: 'GET', path: '/api/orders/:id', target: '/orders/:id' },
]);
