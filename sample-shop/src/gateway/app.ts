import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { FlagStore } from '../shared/flags.ts';
import type { ShopConfig } from '../shared/config.ts';
import { ShopError, errorBody } from '../shared/errors.ts';
import { createServer } from '../shared/server.ts';
import { ServiceClient } from '../shared/service-client.ts';
import { publicRoutes, targetPath } from './routes.ts';
import { registerAdminRoutes } from './admin.ts';
import { assignCheckoutExperiment } from './experiment.ts';
import { loadBrowserTelemetry, registerBrowserTelemetry, type BrowserTelemetrySettings } from './browser-telemetry.ts';

export interface GatewayDeps {
  config: Pick<ShopConfig, 'urls' | 'adminToken' | 'rateLimit' | 'bodyLimitBytes' | 'paymentTimeoutMs' | 'http'>;
  flags: FlagStore;
  logger?: boolean;
  /** The storefront's real-user monitoring settings; default: read from the environment. */
  browserTelemetry?: BrowserTelemetrySettings;
}

export const storefrontDir = new URL('../../storefront/', import.meta.url).pathname;

/** Headers a shopper's request carries on to the service behind the gateway. */
const forwardedHeaders = ['content-type', 'idempotency-key', 'accept-language'] as const;

export async function buildGatewayApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const { config, flags } = deps;
  const app = createServer({ service: 'gateway', bodyLimitBytes: config.bodyLimitBytes, logger: deps.logger, limits: config.http });

  if (config.rateLimit > 0) {
    await app.register(rateLimit, {
      global: true,
      max: config.rateLimit,
      timeWindow: 1000,
      keyGenerator: (request: FastifyRequest) => request.ip,
      allowList: (request: FastifyRequest) => !request.url.startsWith('/api/'),
      errorResponseBuilder: (_request, context) =>
        new ShopError('rate_limited', `more than ${context.max} requests per second from this address; retry after ${context.after}`),
    });
  }

  app.addHook('onRequest', assignCheckoutExperiment);

  // The `gatewayErrorRate` fault flag: that share of API requests is answered 500.
  app.addHook('onRequest', async (request) => {
    const rate = flags.get().gatewayErrorRate;
    if (rate > 0 && request.url.startsWith('/api/') && Math.random() < rate) {
      throw new ShopError('injected_fault', 'injected fault (gatewayErrorRate)');
    }
  });

  for (const route of publicRoutes) {
    app.route({
      method: route.method,
      url: route.path,
      handler: async (request, reply) => {
        const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
        const headers: Record<string, string> = {};
        for (const name of forwardedHeaders) {
          const value = request.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        headers['x-forwarded-for'] = request.ip;
        if (route.method === 'POST' || route.method === 'PUT') headers['content-type'] = 'application/json';
        const path = targetPath(route.target, request.params as Record<string, string>) + query;
        const hasBody = route.method === 'POST' || route.method === 'PUT';
        let response: Response;
        try {
          response = await fetch(`${config.urls[route.service]}${path}`, {
            method: route.method,
            headers,
            body: hasBody ? JSON.stringify(request.body ?? {}) : undefined,
            // a checkout may wait out a slow payment provider
            signal: AbortSignal.timeout(config.paymentTimeoutMs + 15_000),
          });
        } catch {
          return reply.status(503).send(errorBody('service_unavailable', `${route.service} is unavailable`));
        }
        const text = await response.text();
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return reply.status(502).send(errorBody('upstream_error', `${route.service} answered ${response.status} without JSON`));
        }
        return reply.status(response.status).type('application/json').send(body);
      },
    });
  }

  registerAdminRoutes(app, { adminToken: config.adminToken, flags, inventory: new ServiceClient('inventory', config.urls.inventory) });

  registerBrowserTelemetry(app, deps.browserTelemetry ?? browserTelemetryFromEnv());
  await app.register(fastifyStatic, { root: storefrontDir, prefix: '/', index: ['index.html'] });

  return app;
}

function browserTelemetryFromEnv(): BrowserTelemetrySettings {
  const { settings, problem } = loadBrowserTelemetry(process.env);
  if (problem) console.error(`gateway: ${problem}`);
  return settings;
}
