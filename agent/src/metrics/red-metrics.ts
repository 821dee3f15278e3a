import { Counter, Registry } from 'prom-client';
import type { ExperimentDeclaration } from '../config/env.ts';
import type { DropReason, Signal } from '../export/export-budget.ts';
import { GuardedCounter, GuardedGauge, GuardedHistogram, type GuardOptions } from './guarded-metrics.ts';

// The agent's metric catalogue. Names follow the OpenTelemetry semantic conventions translated
// to Prometheus (dots to underscores, unit suffix). Label names are fixed here, once: one
// `exp_<name>` label per declared experiment, so variants can be compared on any RED series.

/** Always OpenMetrics: the only exposition format that carries exemplars. */
export type MetricsRegistry = Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>;

/** Web latency: 1 ms to 10 s, denser where shop requests usually land. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 10];

export interface RedMetrics {
  registry: MetricsRegistry;
  /** The registry and label-set cap, for metrics built elsewhere (batch jobs). */
  guard: GuardOptions;
  experimentLabels: readonly string[];
  serverDuration: GuardedHistogram;
  serverRequests: GuardedCounter;
  serverErrors: GuardedCounter;
  serverActive: GuardedGauge;
  clientDuration: GuardedHistogram;
  clientRequests: GuardedCounter;
  clientErrors: GuardedCounter;
  dbDuration: GuardedHistogram;
  dbErrors: GuardedCounter;
  orders: GuardedCounter;
  revenue: GuardedCounter;
  paymentFailures: GuardedCounter;
  cartUpdates: GuardedCounter;
  checkoutSteps: GuardedCounter;
  countDrop(signal: Signal, count: number, reason: DropReason): void;
}

export function createRedMetrics(experiments: readonly ExperimentDeclaration[], maxLabelSets: number): RedMetrics {
  const registry: MetricsRegistry = new Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);

  const overflow = new Counter({
    name: 'shopscope_metric_label_overflow_total',
    help: 'Observations folded into the "other" label set because a metric reached its label-set cap',
    labelNames: ['metric'],
    registers: [registry],
  });
  const dropped = new Counter({
    name: 'shopscope_telemetry_dropped_total',
    help: 'Spans and log records the agent dropped instead of exporting (queue full or export failed)',
    labelNames: ['signal', 'reason'],
    registers: [registry],
  });
  const guard: GuardOptions = { registry, maxLabelSets, onOverflow: (metric) => overflow.inc({ metric }) };

  const experimentLabels = experiments.map((e) => `exp_${e.name}`);
  const server = ['method', 'route', 'status_class', ...experimentLabels];
  const client = ['peer', 'method', 'status_class'];
  const db = ['db_system', 'operation'];

  // Latency histograms carry exemplars (the trace of a slow request); every metric is capped.
  const histogram = (name: string, help: string, labelNames: readonly string[]) =>
    new GuardedHistogram({ name, help, labelNames }, LATENCY_BUCKETS, true, guard);
  const counter = (name: string, help: string, labelNames: readonly string[]) => new GuardedCounter({ name, help, labelNames }, guard);
  const shop = (label: string) => [label, ...experimentLabels];

  return {
    registry,
    guard,
    experimentLabels,
    serverDuration: histogram('http_server_request_duration_seconds', 'Duration of inbound HTTP requests', server),
    serverRequests: counter('http_server_requests_total', 'Inbound HTTP requests', server),
    serverErrors: counter('http_server_errors_total', 'Inbound HTTP requests answered with a 5xx status', server),
    serverActive: new GuardedGauge(
      { name: 'http_server_active_requests', help: 'Inbound HTTP requests in flight', labelNames: ['method', 'route'] },
      guard,
    ),
    clientDuration: histogram('http_client_request_duration_seconds', 'Duration of outbound HTTP requests, by peer', client),
    clientRequests: counter('http_client_requests_total', 'Outbound HTTP requests', client),
    clientErrors: counter('http_client_errors_total', 'Outbound HTTP requests that failed or got a 5xx', client),
    dbDuration: histogram('db_client_operation_duration_seconds', 'Duration of database operations', db),
    dbErrors: counter('db_client_errors_total', 'Database operations that failed', db),
    orders: counter('shop_orders_total', 'Orders placed', shop('currency')),
    revenue: counter('shop_revenue_total', 'Revenue of placed orders, in the currency unit', shop('currency')),
    paymentFailures: counter('shop_payment_failures_total', 'Payments that failed, by reason', shop('reason')),
    cartUpdates: counter('shop_cart_updates_total', 'Cart changes, by action', shop('action')),
    checkoutSteps: counter('shop_checkout_steps_total', 'Checkout steps reached, by step', shop('step')),
    countDrop: (signal, count, reason) => dropped.inc({ signal, reason }, count),
  };
}
