import type { NotificationLogEntry } from '../state/store.ts';

export type NotifyReason = 'firing' | 'update' | 'repeat' | 'resolved';

/**
 * Whether an alert group needs a message now, from what was last notified (the notification
 * log). Alertmanager's rule: new firing alerts, alerts that stopped firing (when the receiver
 * wants resolved notices), or repeat_interval elapsed since the last message while alerts
 * still fire. When nothing fires any more the group's message is closed as resolved; whether
 * that is announced is the receiver's `send_resolved`, decided by the notify stage.
 */
export function needsNotification(
  entry: NotificationLogEntry | undefined,
  firing: ReadonlySet<string>,
  now: number,
  repeatIntervalMs: number,
  sendResolved: boolean,
): NotifyReason | undefined {
  if (!entry) return firing.size > 0 ? 'firing' : undefined;
  const previouslyFiring = new Set(entry.firing);
  if (firing.size === 0) return previouslyFiring.size > 0 ? 'resolved' : undefined;
  const newFiring = [...firing].some((fp) => !previouslyFiring.has(fp));
  const stoppedFiring = [...previouslyFiring].some((fp) => !firing.has(fp));
  if (newFiring || (stoppedFiring && sendResolved)) return 'update';
  if (now - entry.lastSentAt >= repeatIntervalMs) return 'repeat';
  return undefined;
}
