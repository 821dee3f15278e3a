import { subscribe } from 'node:diagnostics_channel';
import type { RedMetrics } from '../metrics/red-metrics.ts';
import { safeCall } from '../safety/safe-call.ts';
import { setRoute } from './server-requests.ts';

// Fastify (v4.x and v5.x) announces every new instance on the `fastify.initialization`
// diagnostics channel; the agent adds one root onRequest hook there, which reads the matched
// route template. No module patching: fastify needs no instrumentation package for this.

interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: FastifyRequestLike, reply: unknown, done: () => void) => void): unknown;
}

interface FastifyRequestLike {
  raw: object;
  routeOptions?: { url?: string };
}

export const NOT_FOUND_ROUTE = 'not_found';

export function instrumentFastifyRoutes(metrics: RedMetrics | undefined): void {
  const readRoute = safeCall('fastify onRequest', (request: FastifyRequestLike) => {
    setRoute(request.raw, request.routeOptions?.url ?? NOT_FOUND_ROUTE, metrics);
  });
  subscribe(
    'fastify.initialization',
    safeCall('fastify.initialization', (message: unknown) => {
      const { fastify } = message as { fastify: FastifyLike };
      fastify.addHook('onRequest', (request, _reply, done) => {
        readRoute(request);
        done();
      });
    }),
  );
}
