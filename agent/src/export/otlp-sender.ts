import { Agent, request } from 'node:http';
import { request as requestTls } from 'node:https';
import { gzip } from 'node:zlib';
import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ExportBudget } from './export-budget.ts';
import { encodeRequest } from './otlp-encode.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

// Items are encoded straight into one growing buffer per instrumentation scope (field 2 of
// ScopeSpans / ScopeLogs, tagged and length-prefixed), so queuing an item allocates nothing and a
// batch is the resource and each scope's bytes copied once.
//
// Sends already-encoded spans or log records to the collector's OTLP/HTTP endpoint in batches:
// up to `maxBatch` items, or whatever arrived within `delayMs`. At most `maxInFlight` requests
// at once; items beyond that wait (bounded by the export budget, which every item enters in `offer`
// through and which each finished request releases). Requests run with tracing suppressed, so
// the agent never traces its own exports.

export interface SenderOptions {
  url: string;
  /** gzip: bodies compressed in libuv's thread pool (for collectors across a network). Default none. */
  compression?: 'gzip' | 'none';
  /** Extra request headers (OTEL_EXPORTER_OTLP_*HEADERS: auth, tenant). */
  headers?: Readonly<Record<string, string>>;
  resource: Buffer;
  budget: ExportBudget;
  maxBatch?: number;
  delayMs?: number;
  timeoutMs?: number;
  maxInFlight?: number;
  /** Tries per batch, the first included (default 3); see `post`. */
  maxAttempts?: number;
  /** First retry delay, doubled for each further one, ±20 % jitter (default 500 ms). */
  retryBaseMs?: number;
  /** A longer wait (Retry-After included) is not waited for: the batch is dropped (default 10 s). */
  maxRetryDelayMs?: number;
}

/** The OTLP/HTTP spec's retryable answers: throttled, or the collector (or a proxy) briefly unavailable. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Retry-After in ms (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date always names its weekday and month; Date.parse alone would take "-1" as a year.
  const at = /[A-Za-z]/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Writes one item's message fields (a Span or a LogRecord) into `w`. */
export type ItemEncoder<T> = (w: ProtobufWriter, item: T) => void;

const ITEM_FIELD = 2;

export class OtlpSender {
  private scopes = new Map<Buffer, ProtobufWriter>();
  private spare: ProtobufWriter[] = [];
  private queued = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly idle = new Set<() => void>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  private readonly url: URL;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(private readonly options: SenderOptions) {
    this.url = new URL(options.url);
    this.maxBatch = options.maxBatch ?? 512;
    this.delayMs = options.delayMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
  }

  /**
   * Takes a budget slot for one item and encodes it into its scope's batch. A full budget drops
   * the item (the budget counts it); an encoder that throws gets what it wrote taken back and
   * its slot released as a failed item.
   */
  offer<T>(scope: Buffer, encode: ItemEncoder<T>, item: T): void {
    const budget = this.options.budget;
    if (!budget.admit()) return;
    let w = this.scopes.get(scope);
    if (w === undefined) {
      w = this.spare.pop() ?? new ProtobufWriter(16 * 1024);
      w.reset();
      this.scopes.set(scope, w);
    }
    const before = w.pos;
    try {
      const at = w.begin(ITEM_FIELD);
      encode(w, item);
      w.end(at);
    } catch (error) {
      w.pos = before;
      budget.release(1, { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      return;
    }
    this.queued += 1;
    if (this.queued >= this.maxBatch) this.sendBatch();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.sendBatch();
      }, this.delayMs);
      this.timer.unref();
    }
  }

  /** Sends everything queued and resolves when no request is in flight (or on timeout). */
  flush(): Promise<void> {
    while (this.queued > 0 && this.inFlight < this.maxInFlight) this.sendBatch();
    if (this.queued === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        if (this.queued > 0) this.sendBatch();
        if (this.queued === 0 && this.inFlight === 0) {
          this.idle.delete(done);
          resolve();
        }
      };
      this.idle.add(done);
    });
  }

  private sendBatch(): void {
    if (this.queued === 0 || this.inFlight >= this.maxInFlight) return;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const scopes = this.scopes;
    const count = this.queued;
    this.scopes = new Map();
    this.queued = 0;
    this.inFlight += 1;
    let body: Buffer;
    try {
      body = encodeRequest(this.options.resource, scopes);
      // Keep a couple of scope buffers for the next batches; bigger ones than needed go.
      for (const w of scopes.values()) if (this.spare.length < 4 && w.capacity <= 1024 * 1024) this.spare.push(w);
    } catch (error) {
      this.finished(count, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (this.options.compression !== 'gzip') {
      this.post(body, count, false);
      return;
    }
    // Compressed off the event loop. Not the default: to a collector on the same machine it
    // costs more CPU in all (the thread pool's) than sending the raw bytes saves.
    gzip(body, { level: 1 }, (error, compressed) => {
      if (error) this.finished(count, error);
      else this.post(compressed, count, true);
    });
  }

  /**
   * One export request. A network error, a timeout or a retryable status (429, 502, 503, 504)
   * is tried again, up to `maxAttempts` in all, after Retry-After when the collector sends one,
   * else after an exponential backoff with jitter; a wait longer than `maxRetryDelayMs` is not
   * taken. The batch keeps its budget slots and its in-flight place meanwhile, so a collector
   * that is down makes new items drop at the door (counted) instead of piling up.
   */
  private post(body: Buffer, count: number, gzipped: boolean, attempt = 1): void {
    let settled = false;
    const settle = (error?: Error, retryable = false, retryAfter?: number): void => {
      if (settled) return;
      settled = true;
      if (error === undefined || !retryable || attempt >= this.maxAttempts) {
        this.finished(count, error);
        return;
      }
      const backoff = this.retryBaseMs * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
      const delay = retryAfter ?? backoff;
      if (delay > this.maxRetryDelayMs) {
        this.finished(
          count,
          new Error(`${error.message}; retry asked after ${Math.round(delay / 1000)} s, longer than ${this.maxRetryDelayMs / 1000} s`),
        );
        return;
      }
      setTimeout(() => this.post(body, count, gzipped, attempt + 1), delay).unref();
    };
    try {
      const send = this.url.protocol === 'https:' ? requestTls : request;
      // Made with tracing suppressed: the agent never traces its own exports.
      const req = context.with(suppressTracing(ROOT_CONTEXT), () =>
        send(
          this.url,
          {
            method: 'POST',
            agent: this.url.protocol === 'https:' ? undefined : this.agent,
            timeout: this.timeoutMs,
            headers: {
              ...this.options.headers,
              'content-type': 'application/x-protobuf',
              'content-length': body.length,
              ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
            },
          },
          (res) => {
            res.resume();
            res.on('end', () => {
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) settle();
              else
                settle(
                  new Error(`collector answered HTTP ${status}`),
                  RETRYABLE_STATUS.has(status),
                  retryAfterMs(res.headers['retry-after']),
                );
            });
            res.on('error', (error) => settle(error, true));
          },
        ),
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (error) => settle(error, true));
      req.end(body);
    } catch (error) {
      settle(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private finished(count: number, error: Error | undefined): void {
    this.inFlight -= 1;
    this.options.budget.release(count, error ? { code: ExportResultCode.FAILED, error } : { code: ExportResultCode.SUCCESS });
    if (this.queued >= this.maxBatch) this.sendBatch();
    else if (this.queued > 0 && this.timer === undefined && this.idle.size === 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.sendBatch();
      }, this.delayMs);
      this.timer.unref();
    }
    for (const done of [...this.idle]) done();
  }
}
