import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ShopError } from '../shared/errors.ts';
import { flagPatchSchema, type FlagStore } from '../shared/flags.ts';
import { parseInput } from '../shared/validation.ts';
import type { ServiceClient } from '../shared/service-client.ts';

const stockParams = z.object({ productId: z.string().min(1).max(64) });

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export function requireAdmin(adminToken: string) {
  const expected = digest(adminToken);
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    // Comparing digests keeps the check constant-time whatever the token's length.
    if (!match?.[1] || !timingSafeEqual(digest(match[1].trim()), expected)) {
      throw new ShopError('unauthorized', 'admin routes need Authorization: Bearer <SHOPSCOPE_ADMIN_TOKEN>');
    }
  };
}

export interface AdminRouteOptions {
  adminToken: string;
  flags: FlagStore;
  inventory: ServiceClient;
  orders: ServiceClient;
}

/** `GET|PUT /admin/flags`, `PUT /admin/stock/:productId` and `POST /admin/jobs/settlement/run`, behind the admin token. */
export const adminRoutes: FastifyPluginAsync<AdminRouteOptions> = async (app, options) => {
  const onRequest = requireAdmin(options.adminToken);

  app.get('/admin/flags', { onRequest }, async () => {
    await options.flags.refresh();
    return options.flags.get();
  });

  app.put('/admin/flags', { onRequest }, async (request) => {
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw new ShopError('invalid_request', 'body must be a JSON object of flag names and values');
    }
    const patch = parseInput(flagPatchSchema, request.body, 'flags');
    return options.flags.update(patch);
  });

  app.put('/admin/stock/:productId', { onRequest }, async (request) => {
    const { productId } = parseInput(stockParams, request.params, 'path');
    const response = await options.inventory.call(`/stock/${encodeURIComponent(productId)}`, { method: 'PUT', body: request.body ?? {} });
    return response.body;
  });

  // Runs the orders service's settlement job now (`npm run job -- settlement`), so its metrics stay in one place.
  app.post('/admin/jobs/settlement/run', { onRequest }, async (request) => {
    const response = await options.orders.call('/jobs/settlement/run', { method: 'POST', body: request.body ?? {} });
    return response.body;
  });
};
