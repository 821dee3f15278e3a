import { SpanStatusCode, type Span } from '@opentelemetry/api';

/** Marks `span` failed with `error` (an exception event and an ERROR status); never throws. */
export function recordFailure(span: Span, error: unknown): void {
  try {
    const err = error instanceof Error ? error : new Error(String(error));
    span.recordException(err);
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  } catch {
    // never let bookkeeping replace the app's own error
  }
}
