import type { Context } from '@opentelemetry/api';
import type { DestinationStream } from 'pino';
import type { OtlpLogs } from '../logging/otlp-logs.ts';
import { FIELD } from '../logging/schema.ts';

// The one access line per request, written by hand rather than through the general logger:
// every field is the agent's own (normalised method, route template, status, duration, ids),
// so there is nothing to redact and no object to serialise generically. The line has exactly
// the schema of LOGGING.md (a test parses it); the OTLP copy carries the same fields.

export interface AccessEntry {
  method: string;
  route: string;
  status: number;
  durationMs: number;
  traceId: string;
  spanId: string;
  experiments: Record<string, string> | undefined;
  context: Context;
}

export type AccessLogWriter = (entry: AccessEntry) => void;

export const ACCESS_EVENT = 'http.request';
export const ACCESS_MESSAGE = 'request completed';

export function createAccessLogWriter(
  stdout: DestinationStream,
  otlp: OtlpLogs | undefined,
  service: string,
  environment: string,
  slowMs: number,
): AccessLogWriter {
  const head = `{"${FIELD.level}":"info","${FIELD.time}":"`;
  const identity = `","${FIELD.service}":${JSON.stringify(service)},"${FIELD.environment}":${JSON.stringify(environment)}`;
  const tail = `,"${FIELD.msg}":"${ACCESS_MESSAGE}"}\n`;
  const routes = new Map<string, string>();
  const quotedRoute = (route: string): string => {
    let quoted = routes.get(route);
    if (quoted === undefined) {
      quoted = JSON.stringify(route);
      if (routes.size < 1000) routes.set(route, quoted);
    }
    return quoted;
  };

  // One ISO string per millisecond, not per line.
  let lastMs = 0;
  let lastIso = '';
  const isoNow = (): string => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastIso = new Date(now).toISOString();
    }
    return lastIso;
  };

  return (e) => {
    const duration = Math.round(e.durationMs * 1000) / 1000;
    const slow = e.durationMs > slowMs;
    const experiments = e.experiments ? `,"${FIELD.experiments}":${JSON.stringify(e.experiments)}` : '';
    stdout.write(
      `${head}${isoNow()}${identity},"${FIELD.traceId}":"${e.traceId}","${FIELD.spanId}":"${e.spanId}"${experiments}` +
        `,"${FIELD.event}":"${ACCESS_EVENT}","${FIELD.http}":{"method":"${e.method}","route":${quotedRoute(e.route)},"status_code":${e.status},"duration_ms":${duration}}` +
        `${slow ? `,"${FIELD.slow}":true` : ''}${tail}`,
    );
    if (otlp) {
      const attributes: Record<string, unknown> = {
        [FIELD.event]: ACCESS_EVENT,
        [FIELD.http]: { method: e.method, route: e.route, status_code: e.status, duration_ms: duration },
      };
      if (slow) attributes[FIELD.slow] = true;
      if (e.experiments) attributes[FIELD.experiments] = e.experiments;
      otlp.emit('info', ACCESS_MESSAGE, attributes, e.context);
    }
  };
}
