import { TraceFlags } from '@opentelemetry/api';
import { ScopeEncodings, writeSpan } from '../export/otlp-encode.ts';
import type { OtlpSender } from '../export/otlp-sender.ts';
import { safeCall } from '../safety/safe-call.ts';
import type { LeanSpan } from './lean-span.ts';
import type { EndHook } from './lean-tracer.ts';

// The agent's export path for spans, in place of the SDK's BatchSpanProcessor: a sampled span
// that gets a budget slot (OtlpSender.offer) is encoded to OTLP protobuf the moment it ends,
// straight into its scope's batch buffer. Profiling the SDK path under load showed the cost was less the encoding
// than the span objects waiting in the batch queue (surviving young-generation GCs, then
// promoted) and the whole batch being encoded at once on the event loop (a latency spike per
// batch).

export class EncodingSpanProcessor implements EndHook {
  private readonly scopes = new ScopeEncodings();
  readonly onEnd: (span: LeanSpan) => void;

  constructor(private readonly sender: OtlpSender) {
    this.onEnd = safeCall('span export', (span: LeanSpan) => {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      sender.offer(this.scopes.of(span.scope), writeSpan, span);
    });
  }

  forceFlush(): Promise<void> {
    return this.sender.flush();
  }
}
