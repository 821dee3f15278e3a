import type { DestinationStream } from 'pino';
import type { OtlpLogs } from '../logging/otlp-logs.ts';
import { isoTime } from '../logging/iso-time.ts';
import { FIELD, severityNumbers } from '../logging/schema.ts';
import { writeKeyValue, writeLogTimes } from '../export/otlp-encode.ts';
import { ProtobufWriter } from '../export/protobuf-writer.ts';

// The one access line per request, written by hand rather than through the general logger:
// every field is the agent's own (normalised method, route template, status, duration, ids),
// so there is nothing to redact and no object to serialise generically. The line has exactly
// the schema of LOGGING.md (a test parses it); the OTLP copy carries the same fields. Its level
// follows the status as pino-http's does: 5xx `error`, 4xx `warn`, the rest `info`, so a burst
// of server errors shows in the error-level log volume an alert can watch.

export interface AccessEntry {
  method: string;
  route: string;
  status: number;
  durationMs: number;
  traceId: string;
  spanId: string;
  traceFlags: number;
  experiments: Record<string, string> | undefined;
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
  const heads = {
    info: `{"${FIELD.level}":"info","${FIELD.time}":"`,
    warn: `{"${FIELD.level}":"warn","${FIELD.time}":"`,
    error: `{"${FIELD.level}":"error","${FIELD.time}":"`,
  } as const;
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

  return (e) => {
    const duration = Math.round(e.durationMs * 1000) / 1000;
    const slow = e.durationMs > slowMs;
    const experiments = e.experiments ? `,"${FIELD.experiments}":${JSON.stringify(e.experiments)}` : '';
    stdout.write(
      `${heads[accessLevel(e.status)]}${isoTime()}${identity},"${FIELD.traceId}":"${e.traceId}","${FIELD.spanId}":"${e.spanId}"${experiments}` +
        `,"${FIELD.event}":"${ACCESS_EVENT}","${FIELD.http}":{"method":"${e.method}","route":${quotedRoute(e.route)},"status_code":${e.status},"duration_ms":${duration}}` +
        `${slow ? `,"${FIELD.slow}":true` : ''}${tail}`,
    );
    if (otlp) {
      record.entry = e;
      record.durationMs = duration;
      record.slow = slow;
      record.timeMs = Date.now();
      otlp.emitEncoded(writeAccessRecord, record);
      record.entry = undefined;
    }
  };
}

interface AccessRecord {
  entry: AccessEntry | undefined;
  durationMs: number;
  slow: boolean;
  timeMs: number;
}

/** One reused record: encoding is synchronous, so nothing is allocated per line. */
const record: AccessRecord = { entry: undefined, durationMs: 0, slow: false, timeMs: 0 };

export type AccessLevel = 'info' | 'warn' | 'error';

/** The access line's level for a status: 5xx `error`, 4xx `warn`, the rest `info`. */
export function accessLevel(status: number): AccessLevel {
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

// What every access record of one level shares, encoded once: severity, body and the event attribute.
function encodeConstantPart(level: AccessLevel): Buffer {
  const w = new ProtobufWriter(256);
  w.uint(2, severityNumbers[level]);
  w.string(3, level);
  const body = w.begin(5);
  w.string(1, ACCESS_MESSAGE);
  w.end(body);
  writeKeyValue(w, 6, FIELD.event, ACCESS_EVENT);
  return Buffer.from(w.view());
}

const constantParts: Record<AccessLevel, Buffer> = {
  info: encodeConstantPart('info'),
  warn: encodeConstantPart('warn'),
  error: encodeConstantPart('error'),
};
/**
 * The OTLP copy of an access line, written field by field: the same record writeLogRecord
 * would make from { event, http: { method, route, status_code, duration_ms }, slow?,
 * experiments? }, without building those objects for every request.
 */
function writeAccessRecord(w: ProtobufWriter, r: AccessRecord): void {
  const e = r.entry!;
  writeLogTimes(w, r.timeMs);
  w.raw(constantParts[accessLevel(e.status)]);
  // attribute `http`: a KeyValueList (AnyValue field 6) of its four entries
  const kv = w.begin(6);
  w.string(1, FIELD.http);
  const any = w.begin(2);
  const map = w.begin(6);
  writeKeyValue(w, 1, 'method', e.method);
  writeKeyValue(w, 1, 'route', e.route);
  writeKeyValue(w, 1, 'status_code', e.status);
  writeKeyValue(w, 1, 'duration_ms', r.durationMs);
  w.end(map);
  w.end(any);
  w.end(kv);
  if (r.slow) writeKeyValue(w, 6, FIELD.slow, true);
  if (e.experiments) writeKeyValue(w, 6, FIELD.experiments, e.experiments);
  w.fixed32(8, e.traceFlags & 0xff);
  w.hex(9, e.traceId);
  w.hex(10, e.spanId);
}
