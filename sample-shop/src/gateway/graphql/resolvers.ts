import mercurius, { type IResolvers } from 'mercurius';
import type { Upstream } from './upstream.ts';
import type { CatalogProduct, CategoryView, Loaders } from './loaders.ts';

export interface GraphQLContext {
  upstream: Upstream;
  loaders: Loaders;
}

declare module 'mercurius' {
  // what the gateway's context function adds to every resolver's context
  interface MercuriusContext {
    upstream: Upstream;
    loaders: Loaders;
  }
}

interface Line {
  productId: string;
  quantity: number;
}

const path = (id: string) => encodeURIComponent(id);

/** A shop `*_not_found` answer is GraphQL's null for a nullable field; anything else stays an error. */
async function orNull<T>(read: Promise<T>, notFound: string): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if ((error as { extensions?: { code?: string } }).extensions?.code === notFound) return null;
    throw error;
  }
}

function intInRange(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new mercurius.ErrorWithProps(`${name} must be an integer from ${min} to ${max}, got ${value}`, {
      code: 'invalid_request',
      status: 400,
    });
  }
  return value;
}

interface PageArgs {
  limit: number;
  offset: number;
  category?: string | null;
  search?: string | null;
}

function productPage(upstream: Upstream, args: PageArgs) {
  const query = new URLSearchParams({
    limit: String(intInRange('limit', args.limit, 1, 100)),
    offset: String(intInRange('offset', args.offset, 0, 1_000_000)),
  });
  if (args.category) query.set('category', args.category);
  if (args.search) query.set('q', args.search);
  return upstream.get<{ items: CatalogProduct[]; total: number }>('catalog', `/products?${query}`);
}

export const resolvers: IResolvers = {
  Query: {
    products: async (_root, args: PageArgs, { upstream }) => productPage(upstream, args),
    product: async (_root, { id }: { id: string }, { upstream }) =>
      orNull(upstream.get<CatalogProduct>('catalog', `/products/${path(id)}`), 'product_not_found'),
    categories: async (_root, _args, { upstream }) => (await upstream.get<{ items: CategoryView[] }>('catalog', '/categories')).items,
    cart: async (_root, { id }: { id: string }, { upstream }) => orNull(upstream.get('cart', `/carts/${path(id)}`), 'cart_not_found'),
    order: async (_root, { id }: { id: string }, { upstream }) => orNull(upstream.get('orders', `/orders/${path(id)}`), 'order_not_found'),
  },
  Mutation: {
    addToCart: async (_root, args: { cartId: string; productId: string; quantity: number }, { upstream }) =>
      upstream.post('cart', `/carts/${path(args.cartId)}/items`, { productId: args.productId, quantity: args.quantity }),
  },
  Product: {
    category: async (product: CatalogProduct, _args, { loaders }) =>
      (await loaders.category.load(product.category)) ?? { name: product.category, productCount: 0 },
    // The demo's N+1, on purpose: one inventory call per product, where the list already holds
    // the stock (asked in one batch). The agent's N+1 detector finds it (`products.*.stock`).
    stock: async (product: CatalogProduct, _args, { upstream }) =>
      orNull(
        upstream.get<{ available: number }>('inventory', `/stock/${path(product.id)}`).then((answer) => answer.available),
        'product_not_found',
      ),
  },
  Category: {
    products: async (category: CategoryView, args: PageArgs, { upstream }) => productPage(upstream, { ...args, category: category.name }),
  },
  CartItem: {
    product: (line: Line, _args, { loaders }) => loaders.product.load(line.productId),
  },
  OrderItem: {
    product: (line: Line, _args, { loaders }) => loaders.product.load(line.productId),
  },
};
