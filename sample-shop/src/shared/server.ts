import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { ShopError } from './errors.ts';
import { clientErrorHandler, frameworkErrors, installErrorHandlers } from './framework-errors.ts';
import { defaultHttpLimits, type HttpLimits, type ServiceName } from './config.ts';
import { telemetry } from './telemetry.ts';

export interface ServerOptions {
  service: ServiceName;
  bodyLimitBytes?: number;
  logger?: boolean;
  /** Timeouts and the connection cap (`SHOPSCOPE_*_TIMEOUT_MS`, `SHOPSCOPE_MAX_CONNECTIONS`). */
  limits?: HttpLimits;
}

/** How often node looks for requests past their header or request timeout. */
const timeoutCheckMs = 1000;

/**
 * A fastify instance with the shop's error bodies (its own errors and node's included),
 * JSON-only input, `GET /healthz`, and limits that keep a slow or greedy client from holding
 * the service: the whole request must arrive within the request timeout (a client trickling
 * its headers or body is answered 408 and cut off), idle connections are closed, and
 * connections beyond the cap are closed as they arrive.
 */
export function createServer(options: ServerOptions): FastifyInstance {
  const limits = options.limits ?? defaultHttpLimits;
  const app = Fastify({
    // Under the agent, its convention logger writes the logs (one access line per request).
    logger:
      options.logger && !telemetry.active
        ? { level: process.env.SHOPSCOPE_SHOP_LOG_LEVEL ?? 'info', base: { service: options.service } }
        : false,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    // the agent writes the one access log line per request
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    // answered below in the shop's error body instead
    return503OnClosing: false,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: timeoutCheckMs },
    frameworkErrors,
    clientErrorHandler,
  });
  app.server.maxConnections = limits.maxConnections;
  // JSON only: without its text/plain parser, fastify answers any other body 415.
  app.removeContentTypeParser('text/plain');
  installErrorHandlers(app);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      void reply.header('connection', 'close');
      throw new ShopError('service_unavailable', `${options.service} is shutting down`);
    }
  });
  app.get('/healthz', async () => ({ status: 'ok', service: options.service }));
  return app;
}
