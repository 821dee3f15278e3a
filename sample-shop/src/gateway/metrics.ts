import type { FastifyReply, FastifyRequest } from 'fastify';
import { telemetry } from '../shared/telemetry.ts';
import { isApiRequest } from './consumers.ts';

// The gateway's own metrics, the way API gateways give them (Kong's Prometheus plugin, Envoy's
// cluster stats): requests per route and consumer, where the time went (in the gateway versus
// waiting for the services), and the rate limiter's decisions. On the agent's /metrics.

/** Time spent waiting for the services during one request: overlapping calls count once. */
export class UpstreamTimer {
  private inFlight = 0;
  private since = 0;
  private totalMs = 0;

  async time<T>(call: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.since = performance.now();
    try {
      return await call();
    } finally {
      if (--this.inFlight === 0) this.totalMs += performance.now() - this.since;
    }
  }

  /** Milliseconds waited so far (up to now for calls still running). */
  elapsedMs(): number {
    return this.totalMs + (this.inFlight > 0 ? performance.now() - this.since : 0);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    upstreamTimer: UpstreamTimer;
  }
}

const requests = telemetry.counter({
  name: 'gateway_requests_total',
  help: 'API requests at the gateway, by route template, consumer and status class',
  labelNames: ['route', 'consumer', 'status_class'],
});
const latency = telemetry.histogram({
  name: 'gateway_latency_seconds',
  help: 'API request time at the gateway: request (total), upstream (waiting for the services), gateway (request minus upstream)',
  labelNames: ['route', 'consumer', 'kind'],
});
const rateLimitDecisions = telemetry.counter({
  name: 'gateway_rate_limit_decisions_total',
  help: 'Rate limiter decisions at the gateway: allowed, or limited (answered 429)',
  labelNames: ['route', 'consumer', 'decision'],
});

/** The route template (bounded: fastify's routes), `unmatched` for no route. */
export function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/** onRequest: a fresh upstream timer (every request: the proxy times its calls on it). */
export async function startUpstreamTimer(request: FastifyRequest): Promise<void> {
  request.upstreamTimer = new UpstreamTimer();
}

/** onResponse: the request counted, its time split into upstream and gateway. */
export async function recordGatewayMetrics(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!isApiRequest(request.url)) return;
  const route = routeOf(request);
  const consumer = request.consumer;
  requests.inc({ route, consumer, status_class: `${Math.floor(reply.statusCode / 100)}xx` });
  const totalMs = reply.elapsedTime;
  const upstreamMs = Math.min(request.upstreamTimer?.elapsedMs() ?? 0, totalMs);
  latency.observe({ route, consumer, kind: 'request' }, totalMs / 1000);
  latency.observe({ route, consumer, kind: 'upstream' }, upstreamMs / 1000);
  latency.observe({ route, consumer, kind: 'gateway' }, (totalMs - upstreamMs) / 1000);
}

export function countRateLimitDecision(request: FastifyRequest, decision: 'allowed' | 'limited'): void {
  rateLimitDecisions.inc({ route: routeOf(request), consumer: request.consumer, decision });
}
