import { TraceFlags, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ExportBudget } from '../export/export-budget.ts';
import { encodeScope, encodeSpan } from '../export/otlp-encode.ts';
import type { OtlpSender } from '../export/otlp-sender.ts';
import { safeCall } from '../safety/safe-call.ts';

// The agent's export path for spans, in place of the SDK's BatchSpanProcessor: a sampled span
// that gets a budget slot is encoded to OTLP protobuf the moment it ends and only its bytes
// are queued. Profiling the SDK path under load showed the cost was less the encoding than the
// span objects waiting in the batch queue (surviving young-generation GCs, then promoted) and
// the whole batch being encoded at once on the event loop (a latency spike per batch).

export class EncodingSpanProcessor implements SpanProcessor {
  private readonly scopes = new Map<string, Buffer>();
  readonly onEnd: (span: ReadableSpan) => void;

  constructor(
    private readonly sender: OtlpSender,
    budget: ExportBudget,
  ) {
    const encode = safeCall('span export', (span: ReadableSpan) => {
      try {
        sender.add(this.scopeOf(span), encodeSpan(span));
      } catch (error) {
        budget.release(1, { code: 1, error: error instanceof Error ? error : new Error(String(error)) });
      }
    });
    this.onEnd = (span) => {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      if (budget.admit()) encode(span);
    };
  }

  private scopeOf(span: ReadableSpan): Buffer {
    const { name, version } = span.instrumentationScope;
    const key = `${name}@${version ?? ''}`;
    let scope = this.scopes.get(key);
    if (scope === undefined) {
      scope = encodeScope(name, version);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  forceFlush(): Promise<void> {
    return this.sender.flush();
  }

  shutdown(): Promise<void> {
    return this.sender.flush();
  }
}
