import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The evaluator's own metrics, on its own registry (never the host's global one). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'shopscope_alerts_' });
  return {
    registry,
    groupEvaluationSeconds: new Histogram({
      name: 'shopscope_alerts_group_evaluation_duration_seconds',
      help: 'Time to evaluate every rule of a group once',
      labelNames: ['group'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
      registers: [registry],
    }),
    ruleEvaluations: new Counter({
      name: 'shopscope_alerts_rule_evaluations_total',
      help: 'Rule evaluations',
      labelNames: ['group'],
      registers: [registry],
    }),
    ruleEvaluationFailures: new Counter({
      name: 'shopscope_alerts_rule_evaluation_failures_total',
      help: 'Rule evaluations whose query failed',
      labelNames: ['group', 'rule'],
      registers: [registry],
    }),
    missedIterations: new Counter({
      name: 'shopscope_alerts_group_missed_iterations_total',
      help: 'Group evaluations skipped because the previous one was still running',
      labelNames: ['group'],
      registers: [registry],
    }),
    alerts: new Gauge({ name: 'shopscope_alerts_alerts', help: 'Alerts by state', labelNames: ['state'], registers: [registry] }),
    // what the SLO and alerts dashboard lists: which alerts fire now, and which paged
    firingAlerts: new Gauge({
      name: 'shopscope_alerts_firing',
      help: 'Firing alerts by alert name and severity',
      labelNames: ['alertname', 'severity'],
      registers: [registry],
    }),
    pagesRaised: new Counter({
      name: 'shopscope_alerts_pages_total',
      help: 'Alerts announced in a new page (the first message of an alert group), by alert name and severity',
      labelNames: ['alertname', 'severity'],
      registers: [registry],
    }),
    ruleProblems: new Gauge({
      name: 'shopscope_alerts_rule_problems',
      help: 'Problems found in rule files at the last load',
      registers: [registry],
    }),
    notificationsSent: new Counter({
      name: 'shopscope_alerts_notifications_sent_total',
      help: 'Messages delivered',
      labelNames: ['receiver', 'transport', 'kind'],
      registers: [registry],
    }),
    notificationsFailed: new Counter({
      name: 'shopscope_alerts_notifications_failed_total',
      help: 'Delivery attempts that failed',
      labelNames: ['receiver', 'transport', 'retryable'],
      registers: [registry],
    }),
    notificationsPending: new Gauge({
      name: 'shopscope_alerts_notifications_pending',
      help: 'Messages waiting to be delivered',
      registers: [registry],
    }),
    stateErrors: new Counter({
      name: 'shopscope_alerts_state_errors_total',
      help: 'State database reads or writes that failed (disk full, I/O); each is logged and retried',
      labelNames: ['stage'],
      registers: [registry],
    }),
    notificationsUndeliverable: new Gauge({
      name: 'shopscope_alerts_notifications_undeliverable',
      help: 'Messages not delivered within the undeliverable delay, or refused for good',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
