import { SpanStatusCode, TraceFlags, type Span } from '@opentelemetry/api';
import type { GraphqlMetrics } from './graphql-metrics.ts';
import { safeCall } from '../safety/safe-call.ts';
import type { LeanSpan } from '../tracing/lean-span.ts';
import type { EndHook } from '../tracing/lean-tracer.ts';
import { GRAPHQL_SCOPE } from './scope.ts';

// GraphQL server metrics, read from the instrumentation's ended spans:
//   graphql_server_operation_duration_seconds{operation_name, operation_type} — each executed
//     operation (`graphql.execute` span); anonymous operations are `anonymous`, and the name goes
//     through the cardinality guard like every label;
//   graphql_server_errors_total{operation_name, operation_type, phase} — `parse` and `validate`
//     failures (no operation known yet: both labels `unknown`) and executions whose result
//     carries errors or that threw (`execute`).
// A result's errors are seen in the instrumentation's responseHook (onResult), before the span ends.

export const ANONYMOUS_OPERATION = 'anonymous';
const UNKNOWN = 'unknown';
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
const MAX_NAME_LENGTH = 100;

export class GraphqlOperationMetrics implements EndHook {
  private readonly failed = new WeakSet<Span>();
  readonly onEnd: (span: LeanSpan) => void;
  readonly onResult: (span: Span, result: unknown) => void;

  constructor(metrics: GraphqlMetrics) {
    this.onResult = safeCall('graphql result', (span: Span, result: unknown) => {
      const errors = (result as { errors?: unknown } | undefined)?.errors;
      if (Array.isArray(errors) && errors.length > 0) this.failed.add(span);
    });
    this.onEnd = safeCall('graphql metrics', (span: LeanSpan) => {
      if (span.scope.name !== GRAPHQL_SCOPE) return;
      const failed = span.status.code === SpanStatusCode.ERROR || span.events?.some((e) => e.name === 'exception') === true;
      if (span.name === 'graphql.parse' || span.name === 'graphql.validate') {
        if (failed) metrics.errors.inc([UNKNOWN, UNKNOWN, span.name.slice('graphql.'.length)]);
        return;
      }
      const type = span.attributes['graphql.operation.type'];
      if (type === undefined && span.name !== 'graphql.execute') return;
      const values = [
        operationName(span.attributes['graphql.operation.name']),
        typeof type === 'string' && OPERATION_TYPES.has(type) ? type : UNKNOWN,
      ];
      const sc = span.spanContext();
      metrics.duration.observe(values, span.durationSeconds, (sc.traceFlags & TraceFlags.SAMPLED) !== 0 ? sc.traceId : undefined);
      if (failed || this.failed.has(span)) metrics.errors.inc([...values, 'execute']);
    });
  }
}

function operationName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) return ANONYMOUS_OPERATION;
  // The instrumentation names an operation it could not find `Operation "x" not supported`.
  if (name.includes(' ')) return UNKNOWN;
  return name.slice(0, MAX_NAME_LENGTH);
}
