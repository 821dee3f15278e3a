import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceName, ShopConfig } from '../shared/config.ts';
import { errorBody } from '../shared/errors.ts';

/**
 * The public API is a set of routes the gateway passes on to one service each (the route groups
 * in products.ts, carts.ts and checkout.ts). Only these reach the services; their internal routes
 * (reservations, charges, cart checkout) stay private.
 */
export interface ProxiedRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify path under /api */
  path: string;
  /** the service's path, with the same :params */
  target: string;
}

export interface ProxyOptions {
  urls: ShopConfig['urls'];
  /** How long the gateway waits for the service's answer. */
  timeoutMs: number;
}

/** Headers a shopper's request carries on to the service behind the gateway. */
const forwardedHeaders = ['content-type', 'idempotency-key', 'accept-language'] as const;

/** A fastify plugin that answers each of `routes` with `service`'s answer. */
export function proxyRoutes(service: ServiceName, routes: readonly ProxiedRoute[]): FastifyPluginAsync<ProxyOptions> {
  return async (app, options) => {
    for (const route of routes) {
      app.route({
        method: route.method,
        url: route.path,
        handler: async (request, reply) => relay(service, route, options, request, reply),
      });
    }
  };
}

/** Passes the request on and answers with the service's status and JSON body. */
async function relay(service: ServiceName, route: ProxiedRoute, options: ProxyOptions, request: FastifyRequest, reply: FastifyReply) {
  const hasBody = route.method === 'POST' || route.method === 'PUT';
  let response: Response;
  let text: string;
  try {
    // upstream time: from sending the request to the last byte of the answer
    [response, text] = await request.upstreamTimer.time(async () => {
      const answer = await fetch(`${options.urls[service]}${targetUrl(route.target, request)}`, {
        method: route.method,
        headers: headersFor(request, hasBody),
        body: hasBody ? JSON.stringify(request.body ?? {}) : undefined,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      return [answer, await answer.text()] as const;
    });
  } catch {
    return reply.status(503).send(errorBody('service_unavailable', `${service} is unavailable`));
  }
  const body = parseJson(text);
  if (body === undefined) return reply.status(502).send(errorBody('upstream_error', `${service} answered ${response.status} without JSON`));
  return reply.status(response.status).type('application/json').send(body.value);
}

/** The service's path with the request's params filled in, and the request's query string. */
function targetUrl(template: string, request: FastifyRequest): string {
  const params = request.params as Record<string, string>;
  const path = template.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  const queryStart = request.url.indexOf('?');
  return queryStart === -1 ? path : path + request.url.slice(queryStart);
}

function headersFor(request: FastifyRequest, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of forwardedHeaders) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  headers['x-forwarded-for'] = request.ip;
  if (hasBody) headers['content-type'] = 'application/json';
  return headers;
}

/** The parsed value, or undefined when the text is not JSON. */
function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}
