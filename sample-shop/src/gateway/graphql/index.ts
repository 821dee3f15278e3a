import type { FastifyPluginAsync } from 'fastify';
import mercurius, { type MercuriusContext } from 'mercurius';
import type { ExecutionResult } from 'graphql';
import type { ShopConfig } from '../../shared/config.ts';
import { ShopError } from '../../shared/errors.ts';
import { ServiceClient } from '../../shared/service-client.ts';
import { costLimitRule, MAX_QUERY_COST, MAX_QUERY_DEPTH } from './limits.ts';
import { createLoaders } from './loaders.ts';
import { resolvers } from './resolvers.ts';
import { schema } from './schema.ts';
import { Upstream } from './upstream.ts';

export interface GraphQLOptions {
  urls: ShopConfig['urls'];
  /** How long a resolver waits for a service. */
  timeoutMs?: number;
}

/**
 * `POST /graphql` (and `GET /graphql?query=` for queries): mercurius on graphql-js, executed by
 * graphql-js itself (no `jit`: compiled queries bypass graphql-js's execute and hide every
 * resolver span). No GraphiQL. Bad queries answer GraphQL errors (400 when the query cannot be
 * parsed or validated, or is too deep or costly; 200 with `errors` when a service fails), never
 * a 5xx.
 */
export const graphqlRoutes: FastifyPluginAsync<GraphQLOptions> = async (app, options) => {
  const client = (service: 'catalog' | 'cart' | 'orders' | 'inventory') =>
    new ServiceClient(service, options.urls[service], options.timeoutMs ?? 5000);
  const clients = { catalog: client('catalog'), cart: client('cart'), orders: client('orders'), inventory: client('inventory') };
  await app.register(mercurius, {
    schema,
    resolvers,
    path: '/graphql',
    graphiql: false,
    queryDepth: MAX_QUERY_DEPTH,
    // the cost depends on the request's variables (a `limit: $n`), so the rules are made per
    // request, which mercurius allows only without its parsed-query cache
    validationRules: ({ variables }) => [costLimitRule(MAX_QUERY_COST, variables ?? undefined)],
    cache: false,
    context: (request) => {
      const upstream = new Upstream(clients, request.upstreamTimer);
      return { upstream, loaders: createLoaders(upstream) };
    },
    errorFormatter: formatErrors,
  });
};

/**
 * mercurius's formatter, with two shop rules: an error the gateway raised before the query ran
 * (an unknown API key, the rate limit) keeps its status and code; anything else is never a 5xx.
 */
function formatErrors(execution: ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>, context: MercuriusContext) {
  const formatted = mercurius.defaultErrorFormatter(execution, context);
  const first = execution.errors[0]?.originalError;
  if (!execution.data && execution.errors.length === 1 && first instanceof ShopError) {
    const [error] = formatted.response.errors ?? [];
    if (error) (error as { extensions?: Record<string, unknown> }).extensions = { code: first.code };
    return { statusCode: first.status, response: formatted.response };
  }
  return { statusCode: formatted.statusCode >= 500 ? 200 : formatted.statusCode, response: formatted.response };
}
