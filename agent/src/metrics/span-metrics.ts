import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { safeCall } from '../safety/safe-call.ts';
import type { LeanSpan } from '../tracing/lean-span.ts';
import type { EndHook } from '../tracing/lean-tracer.ts';
import type { RedMetrics } from './red-metrics.ts';
import { statusClass } from '../http/status-class.ts';

// Outbound HTTP and database RED metrics are read from ended client spans, whatever library
// made them (undici for fetch, pg, better-sqlite3, node:http client). Spans the sampler did not
// export are still recorded (see sampler.ts), so the counts are complete.

export class SpanMetricsProcessor implements EndHook {
  readonly onEnd: (span: LeanSpan) => void;

  constructor(metrics: RedMetrics) {
    this.onEnd = safeCall('span metrics', (span: LeanSpan) => {
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

const operationPattern = /^\s*([A-Za-z]+)/;

function dbOperation(operation: unknown, statement: unknown): string | undefined {
  if (typeof operation === 'string' && operation) return operation.toUpperCase().slice(0, 20);
  if (typeof statement !== 'string') return undefined;
  const match = operationPattern.exec(statement);
  return match?.[1]?.toUpperCase().slice(0, 20);
}
