// What the alert evaluator did: its alerts (pending, firing) and its notifications (the page and
// its resolve), read from its HTTP API, which every demo's evaluator serves.
import type { Targets } from '../settings.ts';

interface ApiAlert {
  labels: Record<string, string>;
  state: string;
  activeSince: string | null;
  firedAt: string | null;
  silencedBy?: string[];
  inhibitedBy?: string;
}

export interface Notification {
  id: number;
  group: string;
  receiver: string;
  channel: string;
  kind: string;
  reason: 'firing' | 'update' | 'repeat' | 'resolved';
  status: string;
  createdAt: string;
  sentAt: string | null;
  text?: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export async function alerts(targets: Targets): Promise<ApiAlert[]> {
  return (await getJson<{ alerts: ApiAlert[] }>(`${targets.evaluator}/api/alerts`)).alerts;
}

export async function notifications(targets: Targets): Promise<Notification[]> {
  return (await getJson<{ notifications: Notification[] }>(`${targets.evaluator}/api/notifications?limit=500`)).notifications;
}

/** Names of the paging alerts firing now (not silenced nor inhibited), but for the ones ignored. */
export async function firingPages(targets: Targets, ignored: readonly string[] = []): Promise<string[]> {
  const list = await alerts(targets);
  return list
    .filter((a) => a.state === 'firing' && a.labels.severity === 'page' && !a.silencedBy?.length && !a.inhibitedBy)
    .filter((a) => !ignored.includes(a.labels.alertname ?? ''))
    .map((a) => `${a.labels.alertname}${a.labels.service ? `{service=${a.labels.service}}` : ''}`);
}

export interface AlertTimes {
  pendingAt?: number;
  firingAt?: number;
  pageAt?: number;
  resolvedAt?: number;
  pages: Notification[];
}

const ms = (iso: string | null | undefined): number | undefined => (iso ? Date.parse(iso) : undefined);

/**
 * One look at the evaluator for the expected alert since the fault went on: when it went pending
 * and firing, when its page was sent, and when the resolve was sent.
 */
export async function observe(targets: Targets, alertName: string, sinceMs: number, previous: AlertTimes): Promise<AlertTimes> {
  const next: AlertTimes = { ...previous };
  for (const alert of await alerts(targets)) {
    if (alert.labels.alertname !== alertName) continue;
    const active = ms(alert.activeSince);
    if (active !== undefined && active >= sinceMs && (next.pendingAt === undefined || active < next.pendingAt)) next.pendingAt = active;
    const fired = ms(alert.firedAt);
    if (fired !== undefined && fired >= sinceMs && (next.firingAt === undefined || fired < next.firingAt)) next.firingAt = fired;
  }
  const mine = (await notifications(targets))
    .filter((n) => n.group.includes(`"alertname":"${alertName}"`) && Date.parse(n.createdAt) >= sinceMs)
    .sort((a, b) => a.id - b.id);
  next.pages = mine;
  const sentAt = (n: Notification) => ms(n.sentAt) ?? Date.parse(n.createdAt);
  const page = mine.find((n) => n.reason === 'firing');
  if (page) next.pageAt = sentAt(page);
  const resolved = page ? mine.find((n) => n.reason === 'resolved' && n.id > page.id && n.group === page.group) : undefined;
  if (resolved) next.resolvedAt = sentAt(resolved);
  return next;
}
