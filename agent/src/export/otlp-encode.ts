import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { performance } from 'node:perf_hooks';
import type { LeanSpan } from '../tracing/lean-span.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

// OTLP protobuf encoding (opentelemetry-proto trace/v1, logs/v1, common/v1, resource/v1) of one
// span or one log record at a time. The agent encodes each item when it ends and keeps only its
// bytes, so the span object graph dies young instead of waiting in a batch queue (the costly
// part of the SDK's export path under load), and a batch export is a concatenation.

type AnyValue = AttributeValue | Uint8Array | Record<string, unknown> | unknown[] | null | undefined;

const scratch = new ProtobufWriter();

function writeAnyValue(w: ProtobufWriter, value: AnyValue): void {
  if (typeof value === 'string') w.string(1, value);
  else if (typeof value === 'boolean') w.bool(2, value);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && Number.isSafeInteger(value)) w.int64(3, value);
    else w.double(4, value);
  } else if (value instanceof Uint8Array) {
    w.bytes(7, value);
  } else if (Array.isArray(value)) {
    const list = w.begin(5);
    for (const item of value) {
      const entry = w.begin(1);
      writeAnyValue(w, item as AnyValue);
      w.end(entry);
    }
    w.end(list);
  } else if (value !== null && typeof value === 'object') {
    const map = w.begin(6);
    writeKeyValues(w, 1, value as Record<string, unknown>);
    w.end(map);
  }
}

/** One KeyValue { key, value } as field `field` of the enclosing message. */
export function writeKeyValue(w: ProtobufWriter, field: number, key: string, value: unknown): void {
  const kv = w.begin(field);
  w.string(1, key);
  const any = w.begin(2);
  writeAnyValue(w, value as AnyValue);
  w.end(any);
  w.end(kv);
}

export function writeKeyValues(w: ProtobufWriter, field: number, attributes: Record<string, unknown> | Attributes): void {
  for (const key in attributes) {
    const value = (attributes as Record<string, unknown>)[key];
    if (value !== undefined) writeKeyValue(w, field, key, value);
  }
}

/** Resource { attributes } — encoded once per exporter. */
export function encodeResource(attributes: Record<string, unknown>): Buffer {
  scratch.reset();
  writeKeyValues(scratch, 1, attributes);
  return scratch.copy();
}

/** InstrumentationScope { name, version } */
export function encodeScope(name: string, version: string | undefined): Buffer {
  scratch.reset();
  scratch.string(1, name);
  if (version) scratch.string(2, version);
  return scratch.copy();
}

/**
 * Each instrumentation scope encoded once. Scopes are long-lived objects (one per tracer or
 * logger), and the sender batches items by these bytes' identity.
 */
export class ScopeEncodings {
  private readonly encoded = new WeakMap<object, Buffer>();

  of(scope: { readonly name: string; readonly version?: string | undefined }): Buffer {
    let bytes = this.encoded.get(scope);
    if (bytes === undefined) {
      bytes = encodeScope(scope.name, scope.version);
      this.encoded.set(scope, bytes);
    }
    return bytes;
  }
}

// performance.now() milliseconds to Unix nanoseconds, split as [seconds, nanoseconds] so
// nothing passes 2^53: the origin is split once, the offset (ms since start) stays small.
const originSeconds = Math.floor(performance.timeOrigin / 1000);
const originNanos = Math.round((performance.timeOrigin - originSeconds * 1000) * 1e6);
const time: [number, number] = [0, 0];

function epoch(performanceMs: number): readonly [number, number] {
  const nanos = originNanos + Math.round(performanceMs * 1e6);
  const carry = Math.floor(nanos / 1e9);
  time[0] = originSeconds + carry;
  time[1] = nanos - carry * 1e9;
  return time;
}

/** The fields of one opentelemetry.proto.trace.v1.Span. */
export function writeSpan(w: ProtobufWriter, span: LeanSpan): void {
  const sc = span.spanContext();
  w.hex(1, sc.traceId);
  w.hex(2, sc.spanId);
  if (sc.traceState) w.string(3, sc.traceState.serialize());
  if (span.parentSpanId) w.hex(4, span.parentSpanId);
  w.string(5, span.name);
  w.uint(6, span.kind + 1);
  w.hrTime(7, epoch(span.startMs));
  w.hrTime(8, epoch(span.endMs));
  writeKeyValues(w, 9, span.attributes);
  if (span.droppedAttributesCount) w.uint(10, span.droppedAttributesCount);
  if (span.events) {
    for (const event of span.events) {
      const at = w.begin(11);
      w.hrTime(1, epoch(event.timeMs));
      w.string(2, event.name);
      if (event.attributes) writeKeyValues(w, 3, event.attributes);
      w.end(at);
    }
  }
  if (span.droppedEventsCount) w.uint(12, span.droppedEventsCount);
  if (span.links) {
    for (const link of span.links) {
      const at = w.begin(13);
      w.hex(1, link.context.traceId);
      w.hex(2, link.context.spanId);
      if (link.attributes) writeKeyValues(w, 4, link.attributes);
      w.end(at);
    }
  }
  if (span.status.code !== 0 || span.status.message) {
    const at = w.begin(15);
    if (span.status.message) w.string(2, span.status.message);
    if (span.status.code) w.uint(3, span.status.code);
    w.end(at);
  }
  w.fixed32(16, 0x100 | (sc.traceFlags & 0xff) | (span.parentIsRemote ? 0x300 : 0));
}

export interface LogItem {
  timeMs: number;
  severityNumber: number;
  severityText: string;
  body: string | undefined;
  attributes: Record<string, unknown>;
  traceId: string | undefined;
  spanId: string | undefined;
  traceFlags: number;
}

/** LogRecord time_unix_nano and observed_time_unix_nano for an epoch time in milliseconds. */
export function writeLogTimes(w: ProtobufWriter, timeMs: number): void {
  const seconds = Math.floor(timeMs / 1000);
  time[0] = seconds;
  time[1] = Math.round((timeMs - seconds * 1000) * 1e6);
  w.hrTime(1, time);
  w.hrTime(11, time);
}

/** The fields of one opentelemetry.proto.logs.v1.LogRecord. */
export function writeLogRecord(w: ProtobufWriter, log: LogItem): void {
  writeLogTimes(w, log.timeMs);
  w.uint(2, log.severityNumber);
  w.string(3, log.severityText);
  if (log.body !== undefined) {
    const at = w.begin(5);
    w.string(1, log.body);
    w.end(at);
  }
  writeKeyValues(w, 6, log.attributes);
  if (log.traceId) {
    w.fixed32(8, log.traceFlags & 0xff);
    w.hex(9, log.traceId);
    if (log.spanId) w.hex(10, log.spanId);
  }
}

/** What writeSdkLogRecord reads of an SDK log record (a redacted copy can stand in for it). */
export type SdkLogFields = Pick<
  ReadableLogRecord,
  | 'hrTime'
  | 'hrTimeObserved'
  | 'severityNumber'
  | 'severityText'
  | 'body'
  | 'attributes'
  | 'droppedAttributesCount'
  | 'spanContext'
  | 'eventName'
>;

/**
 * The fields of one LogRecord from the OpenTelemetry SDK's LoggerProvider (the app's own pino
 * lines, through the pino instrumentation): what the SDK's OTLP exporter would send for it.
 */
export function writeSdkLogRecord(w: ProtobufWriter, log: SdkLogFields): void {
  w.hrTime(1, log.hrTime);
  if (log.severityNumber !== undefined) w.uint(2, log.severityNumber);
  if (log.severityText !== undefined) w.string(3, log.severityText);
  if (log.body !== undefined && log.body !== null) {
    const at = w.begin(5);
    writeAnyValue(w, log.body as AnyValue);
    w.end(at);
  }
  writeKeyValues(w, 6, log.attributes as Record<string, unknown>);
  if (log.droppedAttributesCount) w.uint(7, log.droppedAttributesCount);
  const sc = log.spanContext;
  if (sc) {
    w.fixed32(8, sc.traceFlags & 0xff);
    w.hex(9, sc.traceId);
    w.hex(10, sc.spanId);
  }
  w.hrTime(11, log.hrTimeObserved);
  if (log.eventName) w.string(12, log.eventName);
}

/** Export{Trace,Logs}ServiceRequest for one resource: resource_* { resource, scope_* { scope, items } }. */
// `items` holds each scope's items already tagged and length-prefixed (see OtlpSender.add).
export function encodeRequest(resource: Buffer, scopes: ReadonlyMap<Buffer, ProtobufWriter>): Buffer {
  let size = resource.length;
  for (const [scope, items] of scopes) size += scope.length + items.pos + 16;
  const w = new ProtobufWriter(size + 32);
  w.message(1, () => {
    w.message(1, () => w.raw(resource));
    for (const [scope, items] of scopes) {
      w.message(2, () => {
        w.message(1, () => w.raw(scope));
        w.raw(items.view());
      });
    }
  });
  return w.view();
}
