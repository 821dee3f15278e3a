import { TraceFlags } from '@opentelemetry/api';
import { ScopeEncodings, writeSpan } from '../export/otlp-encode.ts';
import type { OtlpSender } from '../export/otlp-sender.ts';
import { safeCall } from '../safety/safe-call.ts';
import type { ProtobufWriter } from '../export/protobuf-writer.ts';
import type { LeanSpan } from './lean-span.ts';
import type { EndHook } from './lean-tracer.ts';
import type { SpanRedactor } from './span-redaction.ts';

// The agent's export path for spans, in place of the SDK's BatchSpanProcessor: a sampled span
// that gets a budget slot (OtlpSender.offer) is encoded to OTLP protobuf the moment it ends,
// straight into its scope's batch buffer. Profiling the SDK path under load showed the cost was less the encoding
// than the span objects waiting in the batch queue (surviving young-generation GCs, then
// promoted) and the whole batch being encoded at once on the event loop (a latency spike per
// batch). The span is redacted (span-redaction.ts) right before it is encoded, only once it has
// a slot: nothing is spent on spans that are dropped or not sampled.

export class EncodingSpanProcessor implements EndHook {
  private readonly scopes = new ScopeEncodings();
  readonly onEnd: (span: LeanSpan) => void;

  constructor(
    private readonly sender: OtlpSender,
    redact: SpanRedactor,
  ) {
    // An encoder that throws (redaction included) gets its item taken back: a span is never
    // sent unredacted.
    const encode = (w: ProtobufWriter, span: LeanSpan): void => {
      redact(span);
      writeSpan(w, span);
    };
    this.onEnd = safeCall('span export', (span: LeanSpan) => {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      sender.offer(this.scopes.of(span.scope), encode, span);
    });
  }

  forceFlush(): Promise<void> {
    return this.sender.flush();
  }
}
