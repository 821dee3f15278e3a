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

export interface GatewayDeps {
  config: Pick<ShopConfig, 'urls' | 'adminToken' | 'rateLimit' | 'bodyLimitBytes' | 'paymentTimeoutMs' | 'http'>;
  flags: FlagStore;
  logger?: boolean;
}

export async function buildGatewayApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config, flags } = deps;
  const app = createServer({ service: 'gateway', bodyLimitBytes: config.bodyLimitBytes, logger: deps.logger, limits: config.http });
  if (config.rateLimit > 0) await app.register(rateLimit, perClientRateLimit(config.rateLimit));
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
  });
  await app.register(storefrontRoutes);
  return app;
}

/** At most `max` API requests per second from one client address. */
function perClientRateLimit(max: number): RateLimitPluginOptions {
  return {
    global: true,
    max,
    timeWindow: 1000,
    keyGenerator: (request: FastifyRequest) => request.ip,
    allowList: (request: FastifyRequest) => !request.url.startsWith('/api/'),
    errorResponseBuilder: (_request, context) =>
      new ShopError('rate_limited', `more than ${context.max} requests per second from this address; retry after ${context.after}`),
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
