import { ShopError, errorCodes, type ErrorCode } from './errors.ts';

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface UpstreamResponse<T> {
  status: number;
  body: T;
}

/**
 * Calls another shop service with JSON over HTTP (global fetch, so the agent's undici
 * instrumentation sees it). An upstream `{error:{code}}` is re-raised with the same code,
 * so a 409 out_of_stock from inventory reaches the shopper as exactly that.
 */
export class ServiceClient {
  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly defaultTimeoutMs = 5000,
  ) {}

  async call<T>(path: string, options: CallOptions = {}): Promise<UpstreamResponse<T>> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method: options.method ?? 'GET',
        headers: {
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      throw new ShopError(
        'service_unavailable',
        timedOut ? `${this.name} did not answer within ${timeoutMs} ms` : `${this.name} is unreachable`,
        { upstream: this.name, timeout: timedOut },
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ShopError('upstream_error', `${this.name} answered ${response.status} without JSON`);
    }
    if (response.status >= 400) {
      const upstream = (body as { error?: { code?: string; message?: string } }).error;
      const code = upstream?.code && upstream.code in errorCodes ? (upstream.code as ErrorCode) : 'upstream_error';
      throw new ShopError(code, upstream?.message ?? `${this.name} answered ${response.status}`, { upstream: this.name });
    }
    return { status: response.status, body: body as T };
  }

  async get<T>(path: string, options?: Omit<CallOptions, 'method' | 'body'>): Promise<T> {
    return (await this.call<T>(path, { ...options, method: 'GET' })).body;
  }

  async post<T>(path: string, body: unknown, options?: Omit<CallOptions, 'method' | 'body'>): Promise<T> {
    return (await this.call<T>(path, { ...options, method: 'POST', body })).body;
  }
}
