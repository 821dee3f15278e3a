import { GuardedCounter, GuardedHistogram, type GuardOptions } from '../metrics/guarded-metrics.ts';
import { LATENCY_BUCKETS } from '../metrics/red-metrics.ts';

// The GraphQL server metrics, on the agent's registry and behind its cardinality guard.

export interface GraphqlMetrics {
  /** `operation_name`, `operation_type`; trace-id exemplars. */
  duration: GuardedHistogram;
  /** `operation_name`, `operation_type`, `phase` (`parse`, `validate`, `execute`). */
  errors: GuardedCounter;
  /** `field_path`, `kind` (`db`, `http`). */
  nPlusOne: GuardedCounter;
}

export function createGraphqlMetrics(guard: GuardOptions): GraphqlMetrics {
  const labels = ['operation_name', 'operation_type'];
  return {
    duration: new GuardedHistogram(
      { name: 'graphql_server_operation_duration_seconds', help: 'Duration of executed GraphQL operations', labelNames: labels },
      LATENCY_BUCKETS,
      true,
      guard,
    ),
    errors: new GuardedCounter(
      {
        name: 'graphql_server_errors_total',
        help: 'GraphQL requests that failed to parse or validate, or whose execution returned errors',
        labelNames: [...labels, 'phase'],
      },
      guard,
    ),
    nPlusOne: new GuardedCounter(
      {
        name: 'graphql_n_plus_one_total',
        help: 'GraphQL operations in which one field path made a separate backend call per list item',
        labelNames: ['field_path', 'kind'],
      },
      guard,
    ),
  };
}
