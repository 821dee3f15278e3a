import { proxyRoutes } from './proxy.ts';

/** The catalog's public routes: the product list and search, one product, the categories. */
export const productRoutes = proxyRoutes('catalog', [
  { method: 'GET', path: '/api/products', target: '/products' },
  { method: 'GET', path: '/api/products/:id', target: '/products/:id' },
  { method: 'GET', path: '/api/categories', target: '/categories' },
]);
