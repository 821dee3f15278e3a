import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { telemetry } from '../shared/telemetry.ts';

/**
 * The shop's one A/B experiment, `checkout_flow`: each shopper (client address and browser)
 * lands in `control` or `express`, or picks one with the `x-experiment-checkout-flow` header
 * (load tests and drills do). The agent carries the assignment in W3C baggage to every service, so
 * dashboards can compare the variants' conversion, errors and latency.
 */
export const checkoutExperiment = { name: 'checkout_flow', variants: ['control', 'express'] as const };
export const experimentHeader = 'x-experiment-checkout-flow';

export function variantFor(request: Pick<FastifyRequest, 'ip' | 'headers'>): string {
  const chosen = request.headers[experimentHeader];
  if (typeof chosen === 'string' && (checkoutExperiment.variants as readonly string[]).includes(chosen)) return chosen;
  const digest = createHash('sha1')
    .update(`${request.ip}|${request.headers['user-agent'] ?? ''}`)
    .digest();
  return checkoutExperiment.variants[digest[0]! % checkoutExperiment.variants.length]!;
}

export async function assignCheckoutExperiment(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.url.startsWith('/api/')) return;
  const variant = variantFor(request);
  telemetry.assignExperiment(checkoutExperiment.name, variant);
  void reply.header(experimentHeader, variant);
}
