import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Gauge, collectDefaultMetrics } from 'prom-client';
import type { MetricsRegistry } from './red-metrics.ts';

// The inspector view. prom-client's default collectors already give event-loop delay
// (perf_hooks.monitorEventLoopDelay), heap spaces, GC durations and handles; event-loop
// utilisation is the one missing, computed between two scrapes.

export function registerRuntimeMetrics(registry: MetricsRegistry): void {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  new Gauge({
    name: 'nodejs_eventloop_utilization_ratio',
    help: 'Share of time the event loop was busy since the previous scrape',
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, last).utilization);
      last = now;
    },
  });
}
