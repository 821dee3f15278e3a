import type { Policy, Route } from '../policy/policy.ts';
import type { Alert } from './alert.ts';
import { flushGroup, type NotifyContext } from './notify.ts';
import { groupKey, matchRoutes } from './route.ts';

/** A flush that failed (state database) is tried again this soon, or at group_interval if sooner. */
const FAILED_FLUSH_RETRY_MS = 10_000;

interface AggregationGroup {
  key: string;
  route: Route;
  labels: Record<string, string>;
  alerts: Map<string, Alert>;
  timer: NodeJS.Timeout | undefined;
  flushing: Promise<void> | undefined;
  createdAt: number;
}

/**
 * The group stage, kept apart from routing as in Alertmanager: an alert is routed, then lands
 * in the aggregation group of its route and group_by values. A new group waits group_wait
 * before its first flush, then flushes every group_interval while it holds alerts.
 */
export class Dispatcher {
  private readonly groups = new Map<string, AggregationGroup>();
  private stopped = false;

  constructor(
    private readonly ctx: NotifyContext,
    private readonly policy: () => Policy,
  ) {}

  receive(alerts: Iterable<Alert>): void {
    if (this.stopped) return;
    const policy = this.policy();
    for (const alert of alerts) {
      if (alert.state === 'pending') continue;
      for (const route of matchRoutes(policy.route, alert.labels)) {
        const { key, groupLabels } = groupKey(route, alert.labels);
        let group = this.groups.get(key);
        if (!group) {
          group = { key, route, labels: groupLabels, alerts: new Map(), timer: undefined, flushing: undefined, createdAt: this.ctx.now() };
          this.groups.set(key, group);
          this.schedule(group, route.groupWaitMs);
        }
        group.alerts.set(alert.fingerprint, alert);
      }
    }
  }

  /** Policy reloaded: groups keep their alerts but take the new timings of their route. */
  rerouteAll(): void {
    const alerts = [...this.groups.values()].flatMap((g) => [...g.alerts.values()]);
    for (const g of this.groups.values()) if (g.timer) clearTimeout(g.timer);
    this.groups.clear();
    this.receive(new Map(alerts.map((a) => [a.fingerprint, a])).values());
  }

  list(): Array<{ key: string; receiver: string; labels: Record<string, string>; alerts: string[] }> {
    return [...this.groups.values()].map((g) => ({
      key: g.key,
      receiver: g.route.receiver,
      labels: g.labels,
      alerts: [...g.alerts.keys()],
    }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const g of this.groups.values()) if (g.timer) clearTimeout(g.timer);
    await Promise.allSettled([...this.groups.values()].map((g) => g.flushing));
  }

  /** Flushes every group now (tests and shutdown use it; normal flushing is by timer). */
  async flushAll(): Promise<void> {
    await Promise.all([...this.groups.values()].map((g) => this.flush(g)));
  }

  private schedule(group: AggregationGroup, delayMs: number): void {
    if (this.stopped) return;
    if (group.timer) clearTimeout(group.timer);
    group.timer = setTimeout(() => {
      void this.flush(group);
    }, delayMs);
    group.timer.unref?.();
  }

  private async flush(group: AggregationGroup): Promise<void> {
    if (group.flushing) return group.flushing;
    const run = (async () => {
      const snapshot = [...group.alerts.values()];
      try {
        await flushGroup(this.ctx, group.route, group.key, group.labels, snapshot);
      } catch (err) {
        // Nothing was recorded (one transaction): the next flush decides again from the same log.
        if (this.ctx.faults) this.ctx.faults.report('notify', err);
        else
          this.ctx.log.error(
            { event: 'alert.flush_failed', group: group.key, err },
            'notification stage failed; will try again at the next group_interval',
          );
        this.schedule(group, Math.min(group.route.groupIntervalMs, FAILED_FLUSH_RETRY_MS));
        return;
      }
      this.ctx.faults?.recovered('notify');
      // Resolved alerts have been dealt with; drop them unless they changed meanwhile.
      for (const a of snapshot) {
        if (a.state === 'resolved' && group.alerts.get(a.fingerprint) === a) group.alerts.delete(a.fingerprint);
      }
      if (group.alerts.size === 0) {
        if (group.timer) clearTimeout(group.timer);
        if (this.groups.get(group.key) === group) this.groups.delete(group.key);
        return;
      }
      this.schedule(group, group.route.groupIntervalMs);
    })();
    group.flushing = run;
    try {
      await run;
    } finally {
      group.flushing = undefined;
    }
  }
}
