import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit, { type RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FlagStore } from '../shared/flags.ts';
import type { ShopConfig } from '../shared/config.ts';
import { ShopError } from '../shared/errors.ts';
import { createServer } from '../shared/server.ts';
import { ServiceClient } from '../shared/service-client.ts';
import { adminRoutes } from './admin.ts';
import { assignCheckoutExperiment } from './experiment.ts';
import { productRoutes } from './products.ts';
import { cartRoutes } from './carts.ts';
import { checkoutRoutes } from './checkout.ts';
import { storefrontRoutes } from './storefront.ts';
import { ANONYMOUS, identifyConsumer, isApiRequest } from './consumers.ts';
import { countRateLimitDecision, recordGatewayMetrics, startUpstreamTimer, type UpstreamTimer } from './metrics.ts';
import { graphqlRoutes } from './graphql/index.ts';

export interface GatewayDeps {
  config: Pick<ShopConfig, 'urls' | 'adminToken' | 'rateLimit' | 'bodyLimitBytes' | 'paymentTimeoutMs' | 'http' | 'apiKeys'>;
  flags: FlagStore;
  logger?: boolean;
}

export async function buildGatewayApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config, flags } = deps;
  const app = createServer({ service: 'gateway', bodyLimitBytes: config.bodyLimitBytes, logger: deps.logger, limits: config.http });
  app.decorateRequest('consumer', ANONYMOUS);
  app.decorateRequest('upstreamTimer', null as unknown as UpstreamTimer);
  // before the rate limiter: it keys on the consumer
  app.addHook('onRequest', startUpstreamTimer);
  app.addHook('onRequest', identifyConsumer(config.apiKeys));
  app.addHook('onResponse', recordGatewayMetrics);
  if (config.rateLimit > 0) await app.register(rateLimit, perConsumerRateLimit(config.rateLimit));
  app.addHook('onRequest', assignCheckoutExperiment);
  app.addHook('onRequest', injectGatewayErrors(flags));
  // a checkout may wait out a slow payment provider
  const proxy = { urls: config.urls, timeoutMs: config.paymentTimeoutMs + 15_000 };
  await app.register(productRoutes, proxy);
  await app.register(cartRoutes, proxy);
  await app.register(checkoutRoutes, proxy);
  await app.register(adminRoutes, {
    adminToken: config.adminToken,
    flags,
    inventory: new ServiceClient('inventory', config.urls.inventory),
    // a run by hand may take as long as a settlement takes
    orders: new ServiceClient('orders', config.urls.orders, 120_000),
  });
  await app.register(graphqlRoutes, { urls: config.urls });
  await app.register(storefrontRoutes);
  return app;
}

/** At most `max` API requests per second per consumer with a key, else per client address. */
function perConsumerRateLimit(max: number): RateLimitPluginOptions {
  return {
    global: true,
    max,
    timeWindow: 1000,
    keyGenerator: (request: FastifyRequest) => (request.consumer === ANONYMOUS ? `ip:${request.ip}` : `consumer:${request.consumer}`),
    allowList: (request: FastifyRequest) => !isApiRequest(request.url),
    onExceeding: (request: FastifyRequest) => countRateLimitDecision(request, 'allowed'),
    onExceeded: (request: FastifyRequest) => countRateLimitDecision(request, 'limited'),
    errorResponseBuilder: (request, context) =>
      new ShopError(
        'rate_limited',
        `more than ${context.max} requests per second from this ${request.consumer === ANONYMOUS ? 'address' : 'consumer'}; retry after ${context.after}`,
      ),
  };
}

/** The `gatewayErrorRate` fault flag: that share of API requests is answered 500. */
function injectGatewayErrors(flags: FlagStore) {
  return async (request: FastifyRequest) => {
    const rate = flags.get().gatewayErrorRate;
    if (rate > 0 && request.url.startsWith('/api/') && Math.random() < rate) {
      throw new ShopError('injected_fault', 'injected fault (gatewayErrorRate)');
    }
  };
}
