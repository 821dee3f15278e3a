import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { safeCall } from '../safety/safe-call.ts';
import type { LeanSpan } from '../tracing/lean-span.ts';
import type { EndHook } from '../tracing/lean-tracer.ts';
import type { RedMetrics } from './red-metrics.ts';
import type { MessagingMetrics } from '../messaging/messaging-metrics.ts';
import { statusClass } from '../http/status-class.ts';

// Outbound HTTP and database RED metrics are read from ended client spans, whatever library
// made them (undici for fetch, the node:http client — axios uses one or the other — pg,
// better-sqlite3, mysql2, ioredis, redis). Spans the sampler did not export are still recorded
// (see sampler.ts), so the counts are complete.

export class SpanMetricsProcessor implements EndHook {
  readonly onEnd: (span: LeanSpan) => void;

  constructor(metrics: RedMetrics, messaging?: MessagingMetrics) {
    this.onEnd = safeCall('span metrics', (span: LeanSpan) => {
      if (span.kind === SpanKind.PRODUCER || span.kind === SpanKind.CONSUMER) {
        if (messaging) observeMessaging(messaging, span);
        return;
      }
      if (span.kind !== SpanKind.CLIENT) return;
      const a = span.attributes;
      const seconds = span.durationSeconds;
      const sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
      const traceId = sampled ? span.spanContext().traceId : undefined;
      const failed = span.status.code === SpanStatusCode.ERROR;
      const dbSystem = a['db.system.name'] ?? a['db.system'];
      if (dbSystem !== undefined) {
        const operation = dbOperation(a['db.operation.name'] ?? a['db.operation'], a['db.query.text'] ?? a['db.statement']);
        if (operation === undefined) return;
        const values = [String(dbSystem), operation];
        metrics.dbDuration.observe(values, seconds, traceId);
        if (failed) metrics.dbErrors.inc(values);
        return;
      }
      const method = a['http.request.method'] ?? a['http.method'];
      if (method === undefined) return;
      const peer = String(a['peer.service'] ?? `${String(a['server.address'] ?? 'unknown')}:${String(a['server.port'] ?? '')}`);
      const status = Number(a['http.response.status_code'] ?? a['http.status_code'] ?? 0);
      const values = [peer, String(method), status > 0 ? statusClass(status) : 'error'];
      metrics.clientDuration.observe(values, seconds, traceId);
      metrics.clientRequests.inc(values);
      if (failed || status === 0 || status >= 500) metrics.clientErrors.inc(values);
    });
  }
}

/**
 * A producer span is a publish, a consumer span a process (the Kafka client's `receive` spans
 * are CLIENT spans, and not counted). The topic is bounded by the metric's label-set cap.
 */
function observeMessaging(messaging: MessagingMetrics, span: LeanSpan): void {
  const a = span.attributes;
  const system = a['messaging.system'];
  if (system === undefined) return;
  const operation = span.kind === SpanKind.PRODUCER ? 'publish' : 'process';
  const sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
  const topic = String(a['messaging.destination.name'] ?? 'unknown');
  messaging.operationDuration.observe(
    [operation, topic, String(system)],
    span.durationSeconds,
    sampled ? span.spanContext().traceId : undefined,
  );
}

const operationPattern = /^\s*([A-Za-z]+)/;

function dbOperation(operation: unknown, statement: unknown): string | undefined {
  if (typeof operation === 'string' && operation) return operation.toUpperCase().slice(0, 20);
  if (typeof statement !== 'string') return undefined;
  const match = operationPattern.exec(statement);
  return match?.[1]?.toUpperCase().slice(0, 20);
}
