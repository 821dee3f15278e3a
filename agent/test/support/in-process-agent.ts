import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace';
import { Experiments } from '../../src/commerce/experiments.ts';
import { createGraphqlTelemetry } from '../../src/graphql/graphql-telemetry.ts';
import { instrumentInboundHttp } from '../../src/http/server-requests.ts';
import { enableInstrumentations } from '../../src/instrumentations/chosen.ts';
import { createRedMetrics, type RedMetrics } from '../../src/metrics/red-metrics.ts';
import { SpanMetricsProcessor } from '../../src/metrics/span-metrics.ts';
import { RequestContextManager } from '../../src/tracing/context-manager.ts';
import type { LeanSpan } from '../../src/tracing/lean-span.ts';
import { LeanTracerProvider, type EndHook } from '../../src/tracing/lean-tracer.ts';
import { ShopscopePropagator } from '../../src/tracing/propagator.ts';

// The agent's pieces wired as agent.ts wires them, inside the test process: inbound HTTP on the
// diagnostics channels, the chosen instrumentations (the real chosen.ts), span metrics and the
// GraphQL telemetry, with every ended span kept for the test to read. Libraries are then
// loaded with `load` (a plain require, so the instrumentations' require hooks patch them as
// they patch an app's). Diagnostics-channel subscriptions cannot be undone: one per test file
// (vitest runs each file in its own process).

export interface InProcessAgent {
  ended: LeanSpan[];
  metrics: RedMetrics;
  provider: LeanTracerProvider;
  /** The GraphQL telemetry's span hooks (the N+1 detector first). */
  graphqlHooks: EndHook[];
  /** require() from the agent's folder, after the instrumentations are enabled. */
  load<T>(name: string): T;
  /** The /metrics text (OpenMetrics). */
  scrape(): Promise<string>;
  /** Ended spans of one trace. */
  spansOf(traceId: string): LeanSpan[];
}

export function startInProcessAgent(options: { serviceName?: string; nPlusOneThreshold?: number } = {}): InProcessAgent {
  const ended: LeanSpan[] = [];
  const metrics = createRedMetrics([], 500);
  const graphql = createGraphqlTelemetry(options.nPlusOneThreshold ?? 3, metrics.guard);
  const provider = new LeanTracerProvider(new AlwaysOnSampler(), [
    new SpanMetricsProcessor(metrics),
    ...graphql.hooks,
    { onEnd: (span) => ended.push(span) },
  ]);
  const experiments = new Experiments([]);
  const contextManager = new RequestContextManager();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new ShopscopePropagator(experiments));
  instrumentInboundHttp({
    tracer: provider.getTracer('@shopscope/agent'),
    contextManager,
    metrics,
    accessLog: undefined,
    experiments,
    serviceName: options.serviceName ?? 'in-process',
    ignoredServers: new WeakSet<Server>(),
    edge: undefined,
  });
  enableInstrumentations(provider, { metrics, onGraphqlResult: graphql.onResult });
  const require = createRequire(new URL('../../package.json', import.meta.url));
  return {
    ended,
    metrics,
    provider,
    graphqlHooks: graphql.hooks,
    load: <T>(name: string) => require(name) as T,
    scrape: () => metrics.registry.metrics(),
    spansOf: (traceId) => ended.filter((s) => s.spanContext().traceId === traceId),
  };
}

/** The value of one sample line of the exposition (`name{labels}`), or undefined. */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1).split(' ')[0]);
}
