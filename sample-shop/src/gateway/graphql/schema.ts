// The gateway's GraphQL schema (SDL). Kept in a module rather than a .graphql file so the
// compiled gateway (dist/) carries it with no copy step.
export const schema = /* GraphQL */ `
  type Query {
    "A page of products: all, one category's, or those matching a full-text search (best match first)."
    products(limit: Int = 20, offset: Int = 0, category: String, search: String): ProductPage!
    product(id: ID!): Product
    categories: [Category!]!
    cart(id: ID!): Cart
    order(id: ID!): Order
  }

  type Mutation {
    "Adds quantity (1-99) of a product to a cart; answers the cart."
    addToCart(cartId: ID!, productId: ID!, quantity: Int!): Cart!
  }

  type ProductPage {
    items: [Product!]!
    total: Int!
  }

  type Money {
    amount: Float!
    currency: String!
  }

  type Product {
    id: ID!
    sku: String!
    name: String!
    description: String!
    price: Money!
    "Resolved through a DataLoader: one catalog call for every product in the request."
    category: Category!
    """
    Units available, asked of inventory once PER PRODUCT: the demo's deliberate N+1 (the REST
    list batches stock in one call). The agent's N+1 detector flags it on the trace.
    """
    stock: Int
  }

  type Category {
    name: String!
    productCount: Int!
    "The category's products (one catalog call per category asked)."
    products(limit: Int = 20, offset: Int = 0): ProductPage!
  }

  type Cart {
    id: ID!
    status: String!
    items: [CartItem!]!
    total: Money!
  }

  type CartItem {
    quantity: Int!
    "null while the catalog is unavailable"
    unitPrice: Money
    lineTotal: Money
    "Resolved through a DataLoader: one batched catalog call (ids=...) for every line in the request."
    product: Product
  }

  type Order {
    id: ID!
    status: String!
    failureReason: String
    total: Money!
    createdAt: String!
    items: [OrderItem!]!
  }

  type OrderItem {
    quantity: Int!
    unitPrice: Money!
    "Resolved through the same DataLoader as CartItem.product."
    product: Product
  }
`;
