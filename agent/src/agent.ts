import type { Server } from 'node:http';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type * as Logform from 'logform';
import { createCommerce, type Commerce } from './commerce/commerce.ts';
import { Experiments } from './commerce/experiments.ts';
import { loadConfig, type AgentConfig } from './config/env.ts';
import type { DropCounter } from './export/export-budget.ts';
import { createAccessLogWriter } from './http/access-log.ts';
import { createEdgeAdmission } from './http/edge-trust.ts';
import { instrumentFastifyRoutes } from './http/fastify-routes.ts';
import { createGraphqlTelemetry } from './graphql/graphql-telemetry.ts';
import { instrumentInboundHttp } from './http/server-requests.ts';
import { enableInstrumentations } from './instrumentations/chosen.ts';
import { installShutdown } from './lifecycle/shutdown.ts';
import { FieldBuilder } from './logging/fields.ts';
import { ConventionLogger } from './logging/logger.ts';
import { startOtlpLogs, type OtlpLogs } from './logging/otlp-logs.ts';
import { createPino, createStdout } from './logging/pino-setup.ts';
import { createRedaction } from './logging/redact.ts';
import { levelValues } from './logging/schema.ts';
import { createWinstonFormat } from './logging/winston-format.ts';
import { createJobMetrics } from './jobs/job-metrics.ts';
import { createJobs, type Jobs } from './jobs/jobs.ts';
import { serveMetrics, type MetricsEndpoint } from './metrics/metrics-server.ts';
import { createRedMetrics, type RedMetrics } from './metrics/red-metrics.ts';
import { registerRuntimeMetrics } from './metrics/runtime-metrics.ts';
import { SpanMetricsProcessor } from './metrics/span-metrics.ts';
import { createMessaging, type Messaging } from './messaging/messaging.ts';
import { createMessagingMetrics } from './messaging/messaging-metrics.ts';
import { describe } from './safety/safe-call.ts';
import { warn } from './safety/warn.ts';
import { startTracing, type Tracing } from './tracing/provider.ts';
import { ShopscopePropagator } from './tracing/propagator.ts';
import { createSpanRedactor } from './tracing/span-redaction.ts';

// The wiring, in one visible place: configuration is read once, each feature is built once
// from it, and the request path only runs what was decided here. Started once per process
// (by the register entry or the first import of the package).

export interface Agent {
  config: Readonly<AgentConfig>;
  logger: ConventionLogger;
  winstonFormat: () => Logform.Format;
  commerce: Commerce;
  jobs: Jobs;
  messaging: Messaging;
  experiments: Experiments;
  tracing: Tracing | undefined;
  metrics: RedMetrics | undefined;
  metricsEndpoint: MetricsEndpoint | undefined;
  otlpLogs: OtlpLogs | undefined;
  /** Flushes spans and logs, bounded by SHOPSCOPE_SHUTDOWN_TIMEOUT_MS. */
  flush: () => Promise<void>;
}

const AGENT = Symbol.for('shopscope.agent');
type Holder = { [AGENT]?: Agent };

export function startAgent(): Agent {
  const holder = globalThis as Holder;
  holder[AGENT] ??= buildAgent();
  return holder[AGENT];
}

function buildAgent(): Agent {
  const { config, problems } = loadConfig();
  for (const problem of problems) warn('SHOPSCOPE_ERR_CONFIG_INVALID', problem, problem);

  const experiments = new Experiments(config.experiments);
  // One redaction for stdout, OTLP log copies and spans alike.
  const redaction = createRedaction(config.redactPaths);
  const fields = new FieldBuilder(redaction.value, redaction.text, experiments);
  const on = !config.disabled;

  setGlobalErrorHandler((error) => warn('SHOPSCOPE_ERR_EXPORT_FAILED', `OpenTelemetry SDK: ${describe(error)}`, 'otel-sdk'));
  diag.setLogger(
    {
      error: (message) => warn('SHOPSCOPE_ERR_EXPORT_FAILED', `OpenTelemetry SDK: ${message}`, 'otel-diag'),
      warn: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    DiagLogLevel.ERROR,
  );

  const metrics = on && config.metrics.enabled ? createRedMetrics(config.experiments, config.metrics.maxLabelSets) : undefined;
  if (metrics) registerRuntimeMetrics(metrics.registry);
  const messagingMetrics = metrics ? createMessagingMetrics(metrics.guard) : undefined;
  const countDrop: DropCounter = metrics ? metrics.countDrop : () => {};

  const resource = resourceFromAttributes({
    ...config.resourceAttributes,
    'service.name': config.serviceName,
    'deployment.environment.name': config.environment,
    'telemetry.distro.name': '@shopscope/agent',
  });
  const graphql = on ? createGraphqlTelemetry(config.graphqlNPlusOneThreshold, metrics?.guard) : undefined;
  const tracing = on
    ? startTracing(
        config,
        resource,
        new ShopscopePropagator(experiments),
        [...(metrics ? [new SpanMetricsProcessor(metrics, messagingMetrics)] : []), ...(graphql?.hooks ?? [])],
        countDrop,
        createSpanRedactor(redaction),
      )
    : undefined;
  const otlpLogs = on && config.logs.exportEnabled ? startOtlpLogs(config, resource, countDrop, redaction) : undefined;

  const stdout = createStdout(config);
  const pino = createPino(config, fields, stdout.stream);
  const logger = new ConventionLogger({ fields, otlp: otlpLogs, minLevel: levelValues[config.logs.level] }, pino, undefined);

  const ignoredServers = new WeakSet<Server>();
  if (tracing) {
    instrumentInboundHttp({
      tracer: tracing.tracer,
      contextManager: tracing.contextManager,
      metrics,
      accessLog:
        config.logs.accessLog && levelValues.info >= levelValues[config.logs.level]
          ? createAccessLogWriter(stdout.stream, otlpLogs, config.serviceName, config.environment, config.logs.slowMs)
          : undefined,
      experiments,
      serviceName: config.serviceName,
      ignoredServers,
      edge: config.trustInboundTrace
        ? undefined
        : createEdgeAdmission(config.baggageAllowlist, { trustSameOrigin: config.trustSameOriginTrace }),
    });
    instrumentFastifyRoutes(metrics);
    enableInstrumentations(tracing.provider, { metrics, onGraphqlResult: graphql?.onResult });
  }

  let metricsEndpoint: MetricsEndpoint | undefined;
  if (metrics && config.metrics.port >= 0) {
    metricsEndpoint = serveMetrics(metrics.registry, config.metrics.host, config.metrics.port);
    ignoredServers.add(metricsEndpoint.server);
  }

  const flush = installShutdown(async () => {
    await Promise.all([tracing?.provider.forceFlush(), otlpLogs?.flush()]);
    stdout.flushSync();
  }, config.shutdownTimeoutMs);

  return {
    config,
    logger,
    winstonFormat: createWinstonFormat({ fields, otlp: otlpLogs, service: config.serviceName, environment: config.environment }),
    commerce: createCommerce(logger, metrics, experiments),
    jobs: createJobs(logger, metrics ? createJobMetrics(metrics.guard) : undefined),
    messaging: createMessaging(messagingMetrics),
    experiments,
    tracing,
    metrics,
    metricsEndpoint,
    otlpLogs,
    flush,
  };
}
