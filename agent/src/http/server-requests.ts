import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  propagation,
  trace,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { Experiments } from '../commerce/experiments.ts';
import type { AccessLogWriter } from './access-log.ts';
import type { EdgeAdmission } from './edge-trust.ts';
import type { RedMetrics } from '../metrics/red-metrics.ts';
import { safeCall } from '../safety/safe-call.ts';
import { propagationHeaderReader } from './propagation-headers.ts';
import { LeanContext } from '../tracing/lean-context.ts';
import type { RequestContextManager } from '../tracing/context-manager.ts';
import { REQUEST_RECORD, REQUEST_RECORD_KEY, ROUTE_UNKNOWN, recordOfRequest, type RequestRecord } from './request-record.ts';
import { statusClass } from './status-class.ts';

// Inbound requests, Pinpoint-style, for any node:http server (fastify, express, plain). It
// listens on Node's `http.server.request.start` diagnostics channel instead of wrapping
// `Server.prototype.emit`: one span with a handful of attributes, the request's context entered
// for the handler, `x-transaction-id` set before the app writes anything; when the response
// finishes (`http.server.response.finish`, or the connection closing first: status 499), the
// span ends, RED metrics (with the trace id as exemplar) and one access log line are written.
// Encoding and export happen later, in batches (see tracing/provider.ts).

export const TRANSACTION_HEADER = 'x-transaction-id';
/** Lets callers name this service as their peer (see instrumentations/undici.ts). */
export const SERVICE_HEADER = 'x-shopscope-service';

/** Puts a callee's SERVICE_HEADER value on an outbound span as `peer.service` (1–100 chars). */
export function setPeerService(span: Span, peer: unknown): void {
  if (typeof peer === 'string' && peer.length > 0 && peer.length <= 100) span.setAttribute('peer.service', peer);
}
const ABORTED_STATUS = 499;
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

export interface InboundDeps {
  tracer: Tracer;
  contextManager: RequestContextManager;
  metrics: RedMetrics | undefined;
  accessLog: AccessLogWriter | undefined;
  experiments: Experiments;
  serviceName: string;
  /** Servers the agent runs itself (the /metrics endpoint): never traced. */
  ignoredServers: WeakSet<Server>;
  /**
   * At the edge (SHOPSCOPE_TRUST_INBOUND_TRACE=false), what a request keeps of its caller's
   * context (see edge-trust.ts); undefined: the caller's context is adopted as it is.
   */
  edge: EdgeAdmission | undefined;
}

interface RequestMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  server: Server;
}

/** Requests of a connection not answered yet (more than one only with HTTP pipelining). */
const IN_FLIGHT = Symbol('shopscope.inFlight');
type TrackedSocket = Socket & { [IN_FLIGHT]?: Set<RequestRecord> };

export function normalizeMethod(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : '_OTHER';
}

export function instrumentInboundHttp(deps: InboundDeps): void {
  const { tracer, contextManager, metrics, experiments, ignoredServers, edge } = deps;
  const propagationHeaders = propagationHeaderReader(propagation.fields());

  const finish = safeCall('http request end', (record: RequestRecord, status: number) => {
    const durationMs = performance.now() - record.startedAt;
    const span = record.span;
    span.setAttribute('http.response.status_code', status);
    if (record.route !== ROUTE_UNKNOWN) {
      span.setAttribute('http.route', record.route);
      span.updateName(`${record.method} ${record.route}`);
    }
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();

    if (metrics) {
      const sc = span.spanContext();
      const traceId = (sc.traceFlags & TraceFlags.SAMPLED) !== 0 ? sc.traceId : undefined;
      const values = [record.method, record.route, statusClass(status)];
      if (experiments.any) values.push(...experiments.labelValues(record.experiments));
      metrics.serverDuration.observe(values, durationMs / 1000, traceId);
      metrics.serverRequests.inc(values);
      if (status >= 500) metrics.serverErrors.inc(values);
      if (record.activeLabels) metrics.serverActive.add(record.activeLabels, -1);
    }

    if (deps.accessLog) {
      const sc = span.spanContext();
      deps.accessLog({
        method: record.method,
        route: record.route,
        status,
        durationMs,
        traceId: sc.traceId,
        spanId: sc.spanId,
        traceFlags: sc.traceFlags,
        experiments: experiments.any ? experiments.attached(record.experiments) : undefined,
      });
    }
  });

  const start = safeCall('http request start', (message: unknown) => {
    const { request, response, socket, server } = message as RequestMessage;
    if (ignoredServers.has(server)) return;
    const method = normalizeMethod(request.method);
    const carrier = propagationHeaders(request.rawHeaders);
    let parent: Context = carrier === undefined ? ROOT_CONTEXT : propagation.extract(ROOT_CONTEXT, carrier);
    let links: Link[] | undefined;
    if (edge !== undefined && carrier !== undefined) {
      const fetchSite = request.headers['sec-fetch-site'];
      const admitted = edge(parent, typeof fetchSite === 'string' ? fetchSite : undefined);
      parent = admitted.parent;
      links = admitted.links;
    }
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': pathOf(request.url) },
        links,
      },
      parent,
    );
    const record: RequestRecord = {
      span,
      method,
      startedAt: performance.now(),
      route: ROUTE_UNKNOWN,
      activeLabels: undefined,
      experiments: {},
      context: parent,
      openOn: undefined,
    };
    if (experiments.any || parent !== ROOT_CONTEXT) {
      experiments.readBaggage(propagation.getBaggage(parent), record.experiments);
      const attached = experiments.attached(record.experiments);
      if (attached) for (const [name, variant] of Object.entries(attached)) span.setAttribute(`experiment.${name}`, variant);
    }
    record.context = trace.setSpan(LeanContext.derive(parent, REQUEST_RECORD_KEY, record), span);
    (request as unknown as Record<symbol, RequestRecord>)[REQUEST_RECORD] = record;
    if (metrics) {
      record.activeLabels = metrics.serverActive.admit([method, ROUTE_UNKNOWN]);
      metrics.serverActive.add(record.activeLabels, 1);
    }
    if (!response.headersSent) {
      response.setHeader(TRANSACTION_HEADER, span.spanContext().traceId);
      // Only instrumented callers (they sent traceparent) learn the service name, and not from
      // a service at the edge, whose callers are outside.
      if (parent !== ROOT_CONTEXT && edge === undefined) response.setHeader(SERVICE_HEADER, deps.serviceName);
    }
    // The end comes from the http.server.response.finish channel; a request whose connection
    // closes first (client gone, server error) is ended by one 'close' listener per connection,
    // not one listener per request.
    const tracked = socket as TrackedSocket;
    let inFlight = tracked[IN_FLIGHT];
    if (inFlight === undefined) {
      const records = (inFlight = tracked[IN_FLIGHT] = new Set());
      socket.once('close', () => {
        for (const open of records) finish(open, ABORTED_STATUS);
        records.clear();
      });
    }
    inFlight.add(record);
    record.openOn = inFlight;
    contextManager.enter(record.context);
  });

  const end = safeCall('http response finish', (message: unknown) => {
    const { request, response } = message as RequestMessage;
    const record = recordOfRequest(request);
    if (record === undefined || record.openOn?.delete(record) !== true) return;
    finish(record, response.statusCode);
  });

  subscribe('http.server.request.start', start);
  subscribe('http.server.response.finish', end);
}

/** Called by framework hooks once the route template is known (never the raw URL). */
export function setRoute(request: object, route: string, metrics: RedMetrics | undefined): void {
  const record = recordOfRequest(request);
  if (!record || record.route === route) return;
  record.route = route;
  if (metrics && record.activeLabels) {
    metrics.serverActive.add(record.activeLabels, -1);
    record.activeLabels = metrics.serverActive.admit([record.method, route]);
    metrics.serverActive.add(record.activeLabels, 1);
  }
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
