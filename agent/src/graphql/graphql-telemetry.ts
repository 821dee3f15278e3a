import type { Span } from '@opentelemetry/api';
import type { GuardOptions } from '../metrics/guarded-metrics.ts';
import type { EndHook } from '../tracing/lean-tracer.ts';
import { createGraphqlMetrics } from './graphql-metrics.ts';
import { NPlusOneDetector } from './n-plus-one.ts';
import { GraphqlOperationMetrics } from './operation-metrics.ts';

export interface GraphqlTelemetry {
  /** Span hooks for the tracer provider (the detector needs span starts, the metrics span ends). */
  hooks: EndHook[];
  /** The GraphQL instrumentation's responseHook. */
  onResult: (span: Span, result: unknown) => void;
}

/** The N+1 detector always (its events need no metrics); the operation metrics when metrics are on. */
export function createGraphqlTelemetry(nPlusOneThreshold: number, guard: GuardOptions | undefined): GraphqlTelemetry {
  const metrics = guard ? createGraphqlMetrics(guard) : undefined;
  const detector = new NPlusOneDetector(nPlusOneThreshold, metrics);
  const operations = metrics ? new GraphqlOperationMetrics(metrics) : undefined;
  return {
    hooks: operations ? [detector, operations] : [detector],
    onResult: (span, result) => {
      operations?.onResult(span, result);
      detector.onResult(span);
    },
  };
}
