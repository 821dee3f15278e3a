import { createContextKey, type Context, type Span } from '@opentelemetry/api';

// What the agent knows about one inbound request while it is being served. It lives in the
// request's context (for logs, commerce events, experiment assignment) and on the raw request
// object (for framework hooks that only see the request).

export const REQUEST_RECORD_KEY = createContextKey('shopscope.request');
export const REQUEST_RECORD = Symbol.for('shopscope.request');
export const ROUTE_UNKNOWN = 'unknown';

export interface RequestRecord {
  readonly span: Span;
  readonly method: string;
  readonly startedAt: number;
  route: string;
  /** Labels of the in-flight gauge series this request was counted in. */
  activeLabels: Readonly<Record<string, string>> | undefined;
  /** Experiment assignments seen on this request (from baggage or assigned while serving it). */
  readonly experiments: Record<string, string>;
  context: Context;
  /** The connection's set of unanswered requests, while this one is in it. */
  openOn?: Set<RequestRecord>;
}

export function recordOf(context: Context): RequestRecord | undefined {
  return context.getValue(REQUEST_RECORD_KEY) as RequestRecord | undefined;
}

export function recordOfRequest(request: object): RequestRecord | undefined {
  return (request as { [REQUEST_RECORD]?: RequestRecord })[REQUEST_RECORD];
}
