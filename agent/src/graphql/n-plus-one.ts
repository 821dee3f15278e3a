import { SpanKind, type Span } from '@opentelemetry/api';
import type { GraphqlMetrics } from './graphql-metrics.ts';
import { safeCall } from '../safety/safe-call.ts';
import type { LeanSpan } from '../tracing/lean-span.ts';
import type { EndHook } from '../tracing/lean-tracer.ts';
import { normalizeFieldPath } from './field-path.ts';
import { GRAPHQL_SCOPE } from './scope.ts';

// The N+1 detector. Within one GraphQL operation (the instrumentation's `graphql.execute` span),
// every span started below it inherits the field path of its nearest resolver span
// (`graphql.field.path`, list indices folded to `*`). Backend calls — database CLIENT spans
// (any driver: better-sqlite3, pg, mysql2, redis) and outbound HTTP CLIENT spans (a remote call
// per item is the same N+1: the callee queries its database once per item) — are counted per
// field path. When the operation's result is ready (the instrumentation's responseHook, while
// the operation span is still open: the SDK refuses events on ended spans), each field path
// with at least `threshold` separate calls of one kind gets a `graphql.n_plus_one` event on the
// operation span and one count in `graphql_n_plus_one_total`. A DataLoader-backed field makes
// one batched call for the whole list and is never flagged.
// Everything is bounded: at most MAX_OPERATIONS open operations (the oldest is dropped) and
// MAX_SPANS_PER_OPERATION tracked spans each.

export const N_PLUS_ONE_EVENT = 'graphql.n_plus_one';
const EXECUTE_SPAN = 'graphql.execute';
const FIELD_PATH = 'graphql.field.path';
const MAX_OPERATIONS = 1000;
const MAX_SPANS_PER_OPERATION = 5000;

type CallKind = 'db' | 'http';

interface Operation {
  spanIds: string[];
  /** Per field path, the backend calls made below it, by kind. */
  calls: Map<string, Record<CallKind, number>>;
}

interface Tracked {
  operation: Operation;
  fieldPath: string | undefined;
}

export interface NPlusOneFinding {
  fieldPath: string;
  kind: CallKind;
  calls: number;
}

export class NPlusOneDetector implements EndHook {
  private readonly operations = new Map<string, Operation>();
  private readonly tracked = new Map<string, Tracked>();
  readonly onStart: (span: LeanSpan) => void;
  readonly onEnd: (span: LeanSpan) => void;
  /** For the GraphQL instrumentation's responseHook: flags the operation on its still open span. */
  readonly onResult: (span: Span) => void;

  constructor(
    private readonly threshold: number,
    private readonly metrics: GraphqlMetrics | undefined,
  ) {
    this.onStart = safeCall('graphql n+1 start', (span: LeanSpan) => this.start(span));
    this.onEnd = safeCall('graphql n+1 end', (span: LeanSpan) => this.end(span));
    this.onResult = safeCall('graphql n+1 result', (span: Span) => this.close(span.spanContext().spanId, span));
  }

  /** Operations being watched now (bounded by MAX_OPERATIONS). */
  get openOperations(): number {
    return this.operations.size;
  }

  private start(span: LeanSpan): void {
    const spanId = span.spanContext().spanId;
    if (span.name === EXECUTE_SPAN && span.scope.name === GRAPHQL_SCOPE) {
      if (this.operations.size >= MAX_OPERATIONS) this.drop(this.operations.keys().next().value!);
      const operation: Operation = { spanIds: [spanId], calls: new Map() };
      this.operations.set(spanId, operation);
      this.tracked.set(spanId, { operation, fieldPath: undefined });
      return;
    }
    if (span.parentSpanId === undefined) return;
    const parent = this.tracked.get(span.parentSpanId);
    if (parent === undefined || parent.operation.spanIds.length >= MAX_SPANS_PER_OPERATION) return;
    const path = span.attributes[FIELD_PATH];
    parent.operation.spanIds.push(spanId);
    this.tracked.set(spanId, {
      operation: parent.operation,
      fieldPath: typeof path === 'string' ? normalizeFieldPath(path) : parent.fieldPath,
    });
  }

  private end(span: LeanSpan): void {
    const spanId = span.spanContext().spanId;
    if (this.operations.has(spanId)) {
      // Ended without a result (execution threw): counted, no event possible any more.
      this.close(spanId, undefined);
      return;
    }
    if (span.kind !== SpanKind.CLIENT) return;
    const tracked = this.tracked.get(spanId);
    if (tracked?.fieldPath === undefined) return;
    const kind = callKind(span);
    if (kind === undefined) return;
    let calls = tracked.operation.calls.get(tracked.fieldPath);
    if (calls === undefined) tracked.operation.calls.set(tracked.fieldPath, (calls = { db: 0, http: 0 }));
    calls[kind] += 1;
  }

  private close(operationId: string, span: Span | undefined): void {
    const operation = this.operations.get(operationId);
    if (operation === undefined) return;
    this.drop(operationId);
    for (const finding of findings(operation, this.threshold)) {
      span?.addEvent(N_PLUS_ONE_EVENT, {
        'graphql.field.path': finding.fieldPath,
        'graphql.n_plus_one.kind': finding.kind,
        'graphql.n_plus_one.db_calls': finding.calls,
      });
      this.metrics?.nPlusOne.inc([finding.fieldPath, finding.kind]);
    }
  }

  private drop(operationId: string): void {
    const operation = this.operations.get(operationId);
    if (operation === undefined) return;
    this.operations.delete(operationId);
    for (const id of operation.spanIds) this.tracked.delete(id);
  }
}

function callKind(span: LeanSpan): CallKind | undefined {
  const a = span.attributes;
  if (a['db.system.name'] !== undefined || a['db.system'] !== undefined) return 'db';
  if (a['http.request.method'] !== undefined || a['http.method'] !== undefined) return 'http';
  return undefined;
}

function findings(operation: Operation, threshold: number): NPlusOneFinding[] {
  const found: NPlusOneFinding[] = [];
  for (const [fieldPath, calls] of operation.calls) {
    for (const kind of ['db', 'http'] as const) if (calls[kind] >= threshold) found.push({ fieldPath, kind, calls: calls[kind] });
  }
  return found;
}
