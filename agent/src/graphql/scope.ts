/** The instrumentation scope of `@opentelemetry/instrumentation-graphql`'s spans. */
export const GRAPHQL_SCOPE = '@opentelemetry/instrumentation-graphql';
