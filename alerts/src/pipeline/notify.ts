import type { Logger } from 'pino';
import type { Policy, Route } from '../policy/policy.ts';
import { groupMessage, threadReply, toNoticeAlert, type GroupNotice } from '../receivers/message.ts';
import type { Faults } from '../state/faults.ts';
import type { StateStore } from '../state/store.ts';
import type { Alert } from './alert.ts';
import { needsNotification } from './dedup.ts';
import { inhibitedBy } from './inhibit.ts';
import type { Silencer } from './silence.ts';

export interface NotifyContext {
  store: StateStore;
  silencer: Silencer;
  policy: () => Policy;
  /** Every alert the evaluator holds now: the possible sources of inhibition. */
  allAlerts: () => Iterable<Alert>;
  /** Finds an exemplar trace link for an alert, or nothing. */
  traceUrl: (alert: Alert) => Promise<string | undefined>;
  onEnqueued: () => void;
  log: Logger;
  now: () => number;
  /** Counts and logs the stage's own faults (state database errors). */
  faults?: Faults;
}

export interface FlushResult { reason?: GroupNotice['reason']; muted: string[] }

/**
 * One flush of one alert group: inhibit → silence → dedup → record. Recording writes the
 * notification log and the outbox rows in one transaction; the deliver stage takes it from there.
 * A firing alert that was announced and then muted still gets its resolve: the message must not
 * stay red forever.
 */
export async function flushGroup(ctx: NotifyContext, route: Route, groupKey: string, groupLabels: Record<string, string>, alerts: readonly Alert[]): Promise<FlushResult> {
  const policy = ctx.policy();
  const receiver = policy.receivers.get(route.receiver);
  if (!receiver) return { muted: [] };
  const now = ctx.now();
  const entry = ctx.store.getNflog(groupKey, receiver.name);
  const announced = new Set(entry?.firing ?? []);
  const all = [...ctx.allAlerts()];
  const muted: string[] = [];
  const firing: Alert[] = [];
  const resolved: Alert[] = [];
  for (const alert of alerts) {
    if (alert.state === 'resolved') { resolved.push(alert); continue; }
    if (alert.state !== 'firing') continue;
    if (inhibitedBy(alert, policy.inhibitRules, all) || ctx.silencer.silencedBy(alert.labels).length > 0) { muted.push(alert.fingerprint); continue; }
    firing.push(alert);
  }
  const firingSet = new Set(firing.map((a) => a.fingerprint));
  const reason = needsNotification(entry, firingSet, now, route.repeatIntervalMs, receiver.sendResolved);
  if (!reason) return { muted };

  const resolvedToShow = resolved.filter((a) => announced.has(a.fingerprint));
  const withTraces = await Promise.all(firing.map(async (a) => toNoticeAlert(a, await ctx.traceUrl(a).catch(() => undefined))));
  const notice: GroupNotice = { reason, groupKey, groupLabels, receiver: receiver.name, firing: withTraces, resolved: resolvedToShow.map((a) => toNoticeAlert(a)), at: now };
  const channel = receiver.slackChannel ?? `log:${receiver.name}`;
  ctx.store.transaction(() => {
    const threadId = entry?.threadId ?? ctx.store.createThread(groupKey, receiver.name, channel, now);
    const base = { threadId, receiver: receiver.name, channel, nextAttemptAt: now, createdAt: now, groupKey, reason };
    const announce = reason !== 'resolved' || receiver.sendResolved;
    if (reason === 'firing') ctx.store.enqueueDelivery({ ...base, kind: 'post', payload: groupMessage(notice) });
    else if (announce) {
      if (reason !== 'repeat') ctx.store.enqueueDelivery({ ...base, kind: 'update', payload: groupMessage(notice) });
      ctx.store.enqueueDelivery({ ...base, kind: 'reply', payload: threadReply(notice) });
    }
    if (reason === 'resolved') {
      ctx.store.closeThread(threadId);
      ctx.store.deleteNflog(groupKey, receiver.name);
    } else {
      ctx.store.putNflog({ groupKey, receiver: receiver.name, firing: [...firingSet], resolved: resolvedToShow.map((a) => a.fingerprint), lastSentAt: now, threadId });
    }
  });
  ctx.log.info({ event: 'alert.notify', group: groupKey, receiver: receiver.name, reason, firing: firing.length, resolved: resolvedToShow.length }, `notification ${reason}`);
  ctx.onEnqueued();
  return { reason, muted };
}
