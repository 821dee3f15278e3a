import type { Logger } from 'pino';
import type { Policy, Receiver, Route } from '../policy/policy.ts';
import { groupMessage, threadReply, toNoticeAlert, type GroupNotice } from '../receivers/message.ts';
import type { Faults } from '../state/faults.ts';
import type { NotificationLogEntry, StateStore } from '../state/store.ts';
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
  /** Told of the alerts a new page announces (counted for the dashboards). */
  onPage?: (alerts: readonly Alert[]) => void;
  log: Logger;
  now: () => number;
  /** Counts and logs the stage's own faults (state database errors). */
  faults?: Faults;
}

export interface FlushResult {
  reason?: GroupNotice['reason'];
  muted: string[];
}

/**
 * One flush of one alert group, in stages: triage (inhibit, silence) → dedup → notice → record.
 * Recording writes the notification log and the outbox rows in one transaction; the deliver
 * stage takes it from there. A firing alert that was announced and then muted still gets its
 * resolve: the message must not stay red forever.
 */
export async function flushGroup(
  ctx: NotifyContext,
  route: Route,
  groupKey: string,
  groupLabels: Record<string, string>,
  alerts: readonly Alert[],
): Promise<FlushResult> {
  const policy = ctx.policy();
  const receiver = policy.receivers.get(route.receiver);
  if (!receiver) return { muted: [] };
  const now = ctx.now();
  const entry = ctx.store.getNflog(groupKey, receiver.name);
  const { firing, resolved, muted } = triage(ctx, policy, alerts);
  const firingSet = new Set(firing.map((a) => a.fingerprint));
  const reason = needsNotification(entry, firingSet, now, route.repeatIntervalMs, receiver.sendResolved);
  if (!reason) return { muted };

  const announced = new Set(entry?.firing ?? []);
  const resolvedToShow = resolved.filter((a) => announced.has(a.fingerprint));
  const notice = await buildNotice(ctx, {
    reason,
    groupKey,
    groupLabels,
    receiver: receiver.name,
    firing,
    resolved: resolvedToShow,
    at: now,
  });
  record(ctx.store, notice, receiver, entry, firingSet);
  ctx.log.info(
    { event: 'alert.notify', group: groupKey, receiver: receiver.name, reason, firing: firing.length, resolved: resolvedToShow.length },
    `notification ${reason}`,
  );
  ctx.onEnqueued();
  if (reason === 'firing') ctx.onPage?.(firing);
  return { reason, muted };
}

/** Inhibition and silences: which of the group's alerts fire for the receiver, which resolved, which are muted. */
function triage(ctx: NotifyContext, policy: Policy, alerts: readonly Alert[]): { firing: Alert[]; resolved: Alert[]; muted: string[] } {
  const all = [...ctx.allAlerts()];
  const out = { firing: [] as Alert[], resolved: [] as Alert[], muted: [] as string[] };
  for (const alert of alerts) {
    if (alert.state === 'resolved') out.resolved.push(alert);
    else if (alert.state !== 'firing') continue;
    else if (inhibitedBy(alert, policy.inhibitRules, all) || ctx.silencer.silencedBy(alert.labels).length > 0)
      out.muted.push(alert.fingerprint);
    else out.firing.push(alert);
  }
  return out;
}

type NoticeOf = Omit<GroupNotice, 'firing' | 'resolved'> & { firing: readonly Alert[]; resolved: readonly Alert[] };

/** The message's content: the firing alerts with their exemplar trace links, the resolved ones the channel was told of. */
async function buildNotice(ctx: NotifyContext, of: NoticeOf): Promise<GroupNotice> {
  const firing = await Promise.all(of.firing.map(async (a) => toNoticeAlert(a, await ctx.traceUrl(a).catch(() => undefined))));
  return { ...of, firing, resolved: of.resolved.map((a) => toNoticeAlert(a)) };
}

/** The notification log and the outbox rows (post, or update and reply), in one transaction. */
function record(
  store: StateStore,
  notice: GroupNotice,
  receiver: Receiver,
  entry: NotificationLogEntry | undefined,
  firingSet: ReadonlySet<string>,
): void {
  const { reason, groupKey, at: now } = notice;
  const channel = receiver.slackChannel ?? `log:${receiver.name}`;
  store.transaction(() => {
    const threadId = entry?.threadId ?? store.createThread(groupKey, receiver.name, channel, now);
    const base = { threadId, receiver: receiver.name, channel, nextAttemptAt: now, createdAt: now, groupKey, reason };
    if (reason === 'firing') store.enqueueDelivery({ ...base, kind: 'post', payload: groupMessage(notice) });
    else if (reason !== 'resolved' || receiver.sendResolved) {
      if (reason !== 'repeat') store.enqueueDelivery({ ...base, kind: 'update', payload: groupMessage(notice) });
      store.enqueueDelivery({ ...base, kind: 'reply', payload: threadReply(notice) });
    }
    if (reason === 'resolved') {
      store.closeThread(threadId);
      store.deleteNflog(groupKey, receiver.name);
    } else {
      store.putNflog({
        groupKey,
        receiver: receiver.name,
        firing: [...firingSet],
        resolved: notice.resolved.map((a) => a.fingerprint),
        lastSentAt: now,
        threadId,
      });
    }
  });
}
