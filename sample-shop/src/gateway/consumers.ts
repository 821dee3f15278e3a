import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ApiKeys } from '../shared/api-keys.ts';
import { ShopError } from '../shared/errors.ts';

// Who is calling: the consumer an `x-api-key` names (Kong's consumer), `anonymous` without a
// key. An unknown key is refused (401). Only the API (`/api/*`, `/graphql`) asks; the
// storefront's files and `/healthz` do not.

export const ANONYMOUS = 'anonymous';
export const API_KEY_HEADER = 'x-api-key';

declare module 'fastify' {
  interface FastifyRequest {
    /** The consumer's name (never its key), `anonymous` without a key. */
    consumer: string;
  }
}

/** The public API: what is rate-limited, measured per consumer and may carry a key. */
export function isApiRequest(url: string): boolean {
  return url.startsWith('/api/') || url === '/graphql' || url.startsWith('/graphql?');
}

/** An onRequest hook naming the request's consumer from its `x-api-key`. */
export function identifyConsumer(apiKeys: ApiKeys) {
  // compared as digests of equal length, every known key each time: no early exit to time
  const known = [...apiKeys].map(([key, name]) => ({ digest: digest(key), name }));
  return async (request: FastifyRequest) => {
    request.consumer = ANONYMOUS;
    if (!isApiRequest(request.url)) return;
    const given = request.headers[API_KEY_HEADER];
    if (given === undefined) return;
    const offered = digest(Array.isArray(given) ? given.join(',') : given);
    let name: string | undefined;
    for (const entry of known) if (timingSafeEqual(entry.digest, offered)) name = entry.name;
    if (name === undefined) throw new ShopError('unauthorized', `unknown API key in ${API_KEY_HEADER}`);
    request.consumer = name;
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
