import type { Attributes, AttributeValue, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ProtobufWriter } from './protobuf-writer.ts';

// OTLP protobuf encoding (opentelemetry-proto trace/v1, logs/v1, common/v1, resource/v1) of one
// span or one log record at a time. The agent encodes each item when it ends and keeps only its
// bytes, so the span object graph dies young instead of waiting in a batch queue (the costly
// part of the SDK's export path under load), and a batch export is a concatenation.

type AnyValue = AttributeValue | Record<string, unknown> | unknown[] | null | undefined;

const scratch = new ProtobufWriter();

function writeAnyValue(w: ProtobufWriter, value: AnyValue): void {
  if (typeof value === 'string') w.string(1, value);
  else if (typeof value === 'boolean') w.bool(2, value);
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && Number.isSafeInteger(value)) w.int64(3, value);
    else w.double(4, value);
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

function writeKeyValues(w: ProtobufWriter, field: number, attributes: Record<string, unknown> | Attributes): void {
  for (const key in attributes) {
    const value = (attributes as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const kv = w.begin(field);
    w.string(1, key);
    const any = w.begin(2);
    writeAnyValue(w, value as AnyValue);
    w.end(any);
    w.end(kv);
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

export function encodeSpan(span: ReadableSpan): Buffer {
  const w = scratch;
  w.reset();
  const sc = span.spanContext();
  w.hex(1, sc.traceId);
  w.hex(2, sc.spanId);
  if (sc.traceState) w.string(3, sc.traceState.serialize());
  const parent = span.parentSpanContext;
  if (parent?.spanId) w.hex(4, parent.spanId);
  w.string(5, span.name);
  w.uint(6, span.kind + 1);
  w.hrTime(7, span.startTime);
  w.hrTime(8, span.endTime);
  writeKeyValues(w, 9, span.attributes);
  if (span.droppedAttributesCount) w.uint(10, span.droppedAttributesCount);
  for (const event of span.events) {
    const at = w.begin(11);
    w.hrTime(1, event.time as HrTime);
    w.string(2, event.name);
    if (event.attributes) writeKeyValues(w, 3, event.attributes);
    w.end(at);
  }
  if (span.droppedEventsCount) w.uint(12, span.droppedEventsCount);
  for (const link of span.links) {
    const at = w.begin(13);
    w.hex(1, link.context.traceId);
    w.hex(2, link.context.spanId);
    if (link.attributes) writeKeyValues(w, 4, link.attributes);
    w.end(at);
  }
  if (span.status.code !== 0 || span.status.message) {
    const at = w.begin(15);
    if (span.status.message) w.string(2, span.status.message);
    if (span.status.code) w.uint(3, span.status.code);
    w.end(at);
  }
  w.fixed32(16, 0x100 | (sc.traceFlags & 0xff) | (parent?.isRemote ? 0x300 : 0));
  return w.copy();
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

export function encodeLogRecord(log: LogItem): Buffer {
  const w = scratch;
  w.reset();
  const time: [number, number] = [Math.floor(log.timeMs / 1000), Math.round((log.timeMs % 1000) * 1e6)];
  w.hrTime(1, time);
  w.hrTime(11, time);
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
  return w.copy();
}

/** Export{Trace,Logs}ServiceRequest for one resource: resource_* { resource, scope_* { scope, items } }. */
export function encodeRequest(resource: Buffer, scopes: ReadonlyMap<Buffer, readonly Buffer[]>): Buffer {
  const w = new ProtobufWriter(64 * 1024);
  w.message(1, () => {
    w.message(1, () => w.raw(resource));
    for (const [scope, items] of scopes) {
      w.message(2, () => {
        w.message(1, () => w.raw(scope));
        for (const item of items) w.message(2, () => w.raw(item));
      });
    }
  });
  return w.copy();
}
