import { subscribe } from 'node:diagnostics_channel';
import { SpanKind, SpanStatusCode, context, propagation, trace, type Span, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import { normalizeMethod, SERVICE_HEADER, setPeerService } from '../http/server-requests.ts';
import { safeCall } from '../safety/safe-call.ts';
import { recordFailure } from '../tracing/span-failure.ts';

// Outbound fetch (Node's bundled undici, how the shop's services call each other), from
// undici's own diagnostics channels: a client span per request, the trace context and baggage
// injected as request headers, the status and the callee's service name (its
// x-shopscope-service response header) on the span, ended when the body is read or the
// request fails. Written here instead of using @opentelemetry/instrumentation-undici because
// under load that package cost the shop's product route about 60 µs of CPU per request (a
// URL object per request, a header map built from every request header, a WeakMap entry per
// request, half a dozen attributes the service map does not need); this does the same job
// with one URL parse per origin (cached) and a symbol on the request.

interface UndiciRequest {
  origin: string;
  path: string;
  method: string;
  headers: unknown;
  addHeader?: (name: string, value: string) => unknown;
  [SPAN]?: Span;
}

interface UndiciResponse {
  statusCode: number;
  headers: Array<Buffer | string>;
}

const SPAN = Symbol('shopscope.fetch.span');
const MAX_ORIGINS = 256;

interface Origin {
  address: string;
  port: number | undefined;
}

const setter: TextMapSetter<UndiciRequest> = {
  set(request, key, value) {
    if (typeof request.addHeader === 'function') request.addHeader(key, value);
    else if (Array.isArray(request.headers)) request.headers.push(key, value);
    else if (typeof request.headers === 'string') request.headers += `${key}: ${value}\r\n`;
  },
};

export function instrumentFetch(tracer: Tracer): void {
  const origins = new Map<string, Origin>();
  const originOf = (origin: string): Origin => {
    let parsed = origins.get(origin);
    if (parsed === undefined) {
      parsed = parseOrigin(origin);
      if (origins.size < MAX_ORIGINS) origins.set(origin, parsed);
    }
    return parsed;
  };

  subscribe(
    'undici:request:create',
    safeCall('fetch request start', (message: unknown) => {
      const { request } = message as { request: UndiciRequest };
      if (request.method === 'CONNECT') return;
      const method = normalizeMethod(request.method);
      const { address, port } = originOf(request.origin);
      const active = context.active();
      const span = tracer.startSpan(
        method === '_OTHER' ? 'HTTP' : method,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'http.request.method': method,
            'server.address': address,
            'server.port': port,
            'url.full': request.origin + request.path,
          },
        },
        active,
      );
      if (span.isRecording()) request[SPAN] = span;
      propagation.inject(trace.setSpan(active, span), request, setter);
    }),
  );

  subscribe(
    'undici:request:headers',
    safeCall('fetch response headers', (message: unknown) => {
      const { request, response } = message as { request: UndiciRequest; response: UndiciResponse };
      const span = request[SPAN];
      if (span === undefined) return;
      span.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
      setPeerService(span, peerOf(response.headers));
    }),
  );

  subscribe(
    'undici:request:trailers',
    safeCall('fetch request end', (message: unknown) => {
      const { request } = message as { request: UndiciRequest };
      request[SPAN]?.end();
      request[SPAN] = undefined;
    }),
  );

  subscribe(
    'undici:request:error',
    safeCall('fetch request error', (message: unknown) => {
      const { request, error } = message as { request: UndiciRequest; error: Error };
      const span = request[SPAN];
      if (span === undefined) return;
      recordFailure(span, error);
      span.end();
      request[SPAN] = undefined;
    }),
  );
}

function parseOrigin(origin: string): Origin {
  try {
    const url = new URL(origin);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
    return { address: url.hostname, port };
  } catch {
    return { address: origin, port: undefined };
  }
}

/** The callee's x-shopscope-service header, from undici's flat [name, value, …] list. */
function peerOf(headers: Array<Buffer | string>): string | undefined {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length === SERVICE_HEADER.length && name.toString().toLowerCase() === SERVICE_HEADER) return String(headers[i + 1]);
  }
  return undefined;
}
