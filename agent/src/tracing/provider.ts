import { context, propagation, trace, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { AgentConfig } from '../config/env.ts';
import { ExportBudget, type DropCounter } from '../export/export-budget.ts';
import { encodeResource } from '../export/otlp-encode.ts';
import { OtlpSender } from '../export/otlp-sender.ts';
import { EncodingSpanProcessor } from './encoding-span-processor.ts';
import { RequestContextManager } from './context-manager.ts';
import { LeanTracerProvider, type EndHook } from './lean-tracer.ts';
import { createSampler } from './sampler.ts';
import type { SpanRedactor } from './span-redaction.ts';

export const TRACER_NAME = '@shopscope/agent';

export interface Tracing {
  provider: LeanTracerProvider;
  tracer: Tracer;
  contextManager: RequestContextManager;
  budget: ExportBudget | undefined;
}

export function startTracing(
  config: AgentConfig,
  resource: Resource,
  propagator: TextMapPropagator,
  extraProcessors: EndHook[],
  onDrop: DropCounter,
  redactSpan: SpanRedactor,
): Tracing {
  const contextManager = new RequestContextManager();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(propagator);

  const processors: EndHook[] = [...extraProcessors];
  let budget: ExportBudget | undefined;
  if (config.traces.exportEnabled) {
    budget = new ExportBudget('spans', config.exportQueueSize, onDrop);
    const sender = new OtlpSender({
      url: config.traces.endpoint,
      headers: config.traces.headers,
      resource: encodeResource(resource.attributes),
      budget,
      compression: config.exportCompression,
    });
    processors.push(new EncodingSpanProcessor(sender, redactSpan));
  }

  const provider = new LeanTracerProvider(createSampler(config.traces), processors);
  trace.setGlobalTracerProvider(provider);
  return { provider, tracer: provider.getTracer(TRACER_NAME), contextManager, budget };
}
