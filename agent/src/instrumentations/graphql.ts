import type { Span } from '@opentelemetry/api';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';

// graphql-js 16: operation, parse, validate and resolver spans. Resolvers that only read a
// property are not spans, and a list's items share one span per field path
// (`products.*.reviews`): a 20-item list is a handful of spans instead of over a hundred.
// Argument and variable values are not recorded (the source text keeps `*` in their place).
// `onResult` sees each execution result while the operation span is still open (the N+1
// detector's events, the error count).
export function graphqlInstrumentation(onResult: ((span: Span, result: unknown) => void) | undefined): GraphQLInstrumentation {
  return new GraphQLInstrumentation({
    mergeItems: true,
    ignoreTrivialResolveSpans: true,
    allowValues: false,
    depth: -1,
    ...(onResult ? { responseHook: onResult } : {}),
  });
}
