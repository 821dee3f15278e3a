import mercurius from 'mercurius';
import { ShopError } from '../../shared/errors.ts';
import type { ServiceClient } from '../../shared/service-client.ts';
import type { UpstreamTimer } from '../metrics.ts';

/**
 * The services a GraphQL request reads from, each call timed as upstream time of the request
 * (the gateway's `gateway_latency_seconds{kind="upstream"}`). A shop error (a service down, a
 * product not found) becomes a GraphQL error whose `extensions.code` is the shop's error code,
 * so it lands in the answer's `errors` next to whatever data could be read, never as a 5xx.
 */
export class Upstream {
  constructor(
    private readonly clients: Readonly<Record<'catalog' | 'cart' | 'orders' | 'inventory', ServiceClient>>,
    private readonly timer: UpstreamTimer,
  ) {}

  async get<T>(service: keyof Upstream['clients'], path: string): Promise<T> {
    try {
      return await this.timer.time(() => this.clients[service].get<T>(path));
    } catch (error) {
      throw asGraphQLError(error);
    }
  }

  async post<T>(service: keyof Upstream['clients'], path: string, body: unknown): Promise<T> {
    try {
      return await this.timer.time(() => this.clients[service].post<T>(path, body));
    } catch (error) {
      throw asGraphQLError(error);
    }
  }
}

function asGraphQLError(error: unknown): Error {
  if (error instanceof ShopError) return new mercurius.ErrorWithProps(error.message, { code: error.code, status: error.status });
  return new mercurius.ErrorWithProps('internal error', { code: 'internal_error', status: 500 });
}
