import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { installErrorHandlers } from './errors.ts';
import type { ServiceName } from './config.ts';
import { telemetry } from './telemetry.ts';

export interface ServerOptions {
  service: ServiceName;
  bodyLimitBytes?: number;
  logger?: boolean;
}

/** A fastify instance with the shop's error bodies, JSON-only input and `GET /healthz`. */
export function createServer(options: ServerOptions): FastifyInstance {
  const app = Fastify({
    // Under the agent, its convention logger writes the logs (one access line per request).
    logger: options.logger && !telemetry.active ? { level: process.env.SHOPSCOPE_SHOP_LOG_LEVEL ?? 'info', base: { service: options.service } } : false,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    // the agent writes the one access log line per request
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: true,
  });
  installErrorHandlers(app);
  app.get('/healthz', async () => ({ status: 'ok', service: options.service }));
  return app;
}
