import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
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
 * Calls another shop service with JSON over HTTP, through one axios instance per target (its
 * Node adapter is `node:http`, which the agent's HTTP instrumentation traces: CLIENT spans with
 * `peer.service` from the callee's `x-shopscope-service` header, and the outbound RED metrics).
 * An upstream `{error:{code}}` is re-raised with the same code, so a 409 out_of_stock from
 * inventory reaches the shopper as exactly that.
 */
export class ServiceClient {
  private readonly http: AxiosInstance;

  constructor(
    readonly name: string,
    baseUrl: string,
    private readonly defaultTimeoutMs = 5000,
  ) {
    this.http = axios.create({
      baseURL: baseUrl,
      headers: { accept: 'application/json' },
      // every status is an answer to map here, not an axios error
      validateStatus: () => true,
      // the raw text: a body that is not JSON is the shop's `upstream_error`, not axios's guess
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      // the shop's services call each other directly, never through an environment proxy
      proxy: false,
      maxRedirects: 0,
    });
  }

  async call<T>(path: string, options: CallOptions = {}): Promise<UpstreamResponse<T>> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        url: path,
        method: options.method ?? 'GET',
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        // the whole call's deadline (axios's own `timeout` is only the socket's idle time)
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const timedOut = axios.isCancel(err) || (axios.isAxiosError(err) && (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT'));
      throw new ShopError(
        'service_unavailable',
        timedOut ? `${this.name} did not answer within ${timeoutMs} ms` : `${this.name} is unreachable`,
        { upstream: this.name, timeout: timedOut },
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(response.data);
    } catch {
      throw new ShopError('upstream_error', `${this.name} answered ${response.status} without JSON`);
    }
    if (response.status >= 400) {
      const upstream = (body as { error?: { code?: string; message?: string } } | null)?.error;
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
