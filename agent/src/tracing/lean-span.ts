import { performance } from 'node:perf_hooks';
import {
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';

// The agent's span: what the OpenTelemetry API asks of a span, and no more. Written by hand in
// place of the SDK's SpanImpl because CPU profiles of the request path put the SDK span's
// bookkeeping (HrTime arrays for every timestamp, attribute sanitising through several
// helpers, a ReadableSpan view, the span-processor fan-out) among the agent's largest costs,
// and each span here is encoded to OTLP the moment it ends anyway (export/otlp-encode.ts),
// so it only needs plain fields. Times are `performance.now()` milliseconds; the encoder adds
// the time origin. Limits follow the SDK's defaults the agent configured before.

export const SPAN_LIMITS = { attributeCount: 64, attributeValueLength: 2048, eventCount: 64, linkCount: 32 } as const;

export interface SpanEvent {
  name: string;
  timeMs: number;
  attributes: Attributes | undefined;
}

/** Called once per span, when it ends (encoding, span metrics). */
export type SpanEndListener = (span: LeanSpan) => void;

/** The scope a span was made by (the instrumentation library), shared by all its spans. */
export interface SpanScope {
  readonly name: string;
  readonly version: string | undefined;
}

export class LeanSpan implements Span {
  readonly attributes: Attributes = {};
  events: SpanEvent[] | undefined;
  links: Link[] | undefined;
  status: SpanStatus = { code: SpanStatusCode.UNSET };
  endMs = -1;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  private attributeCount = 0;

  constructor(
    private readonly context: SpanContext,
    public name: string,
    readonly kind: SpanKind,
    readonly parentSpanId: string | undefined,
    readonly parentIsRemote: boolean,
    readonly scope: SpanScope,
    readonly startMs: number,
    private readonly onEnd: SpanEndListener,
  ) {}

  /** Seconds between start and end (0 until ended). */
  get durationSeconds(): number {
    return this.endMs < 0 ? 0 : (this.endMs - this.startMs) / 1000;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (this.endMs >= 0 || value === undefined || value === null || typeof key !== 'string' || key.length === 0) return this;
    const clean = cleanValue(value);
    if (clean === undefined) return this;
    if (!(key in this.attributes)) {
      if (this.attributeCount >= SPAN_LIMITS.attributeCount) {
        this.droppedAttributesCount += 1;
        return this;
      }
      this.attributeCount += 1;
    }
    this.attributes[key] = clean;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.endMs >= 0) return this;
    const events = (this.events ??= []);
    if (events.length >= SPAN_LIMITS.eventCount) {
      this.droppedEventsCount += 1;
      return this;
    }
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) time = attributesOrTime;
    else if (attributesOrTime) attributes = sanitized(attributesOrTime);
    events.push({ name: String(name), timeMs: time === undefined ? performance.now() : toPerformanceMs(time), attributes });
    return this;
  }

  addLink(link: Link): this {
    if (this.endMs < 0 && (this.links ??= []).length < SPAN_LIMITS.linkCount) this.links.push(link);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.endMs >= 0 || status.code === SpanStatusCode.UNSET) return this;
    // OK is final; ERROR keeps its description only.
    if (this.status.code === SpanStatusCode.OK) return this;
    this.status = status.code === SpanStatusCode.ERROR ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (this.endMs < 0) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endMs >= 0) return;
    this.endMs = endTime === undefined ? performance.now() : Math.max(this.startMs, toPerformanceMs(endTime));
    this.onEnd(this);
  }

  isRecording(): boolean {
    return this.endMs < 0;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      const type = exception.name ?? (exception.code === undefined ? undefined : String(exception.code));
      if (type) attributes['exception.type'] = type;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    this.addEvent('exception', attributes, time);
  }
}

function cleanValue(value: AttributeValue): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > SPAN_LIMITS.attributeValueLength ? value.slice(0, SPAN_LIMITS.attributeValueLength) : value;
    case 'number':
    case 'boolean':
      return value;
    default:
      if (!Array.isArray(value)) return undefined;
      // Homogeneous arrays of primitives only, as the specification asks.
      return value.every((item) => item === null || item === undefined || ['string', 'number', 'boolean'].includes(typeof item))
        ? (value.map((item) =>
            typeof item === 'string' && item.length > SPAN_LIMITS.attributeValueLength
              ? item.slice(0, SPAN_LIMITS.attributeValueLength)
              : item,
          ) as AttributeValue)
        : undefined;
  }
}

function sanitized(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    const clean = cleanValue(value);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}

function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number');
}

/**
 * A TimeInput as performance.now() milliseconds: numbers below the time origin are taken as
 * performance.now() values (as the SDK does), larger ones as epoch milliseconds.
 */
export function toPerformanceMs(time: TimeInput): number {
  if (typeof time === 'number') return time < performance.timeOrigin ? time : time - performance.timeOrigin;
  if (time instanceof Date) return time.getTime() - performance.timeOrigin;
  return time[0] * 1000 + time[1] / 1e6 - performance.timeOrigin;
}
