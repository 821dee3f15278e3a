import type { Alert } from '../pipeline/alert.ts';
import type { NotifyReason } from '../pipeline/dedup.ts';

/** What every receiver gets: the group, its alerts and their links, rendered once at notify time. */
export interface GroupNotice {
  reason: NotifyReason;
  groupKey: string;
  groupLabels: Record<string, string>;
  receiver: string;
  firing: NoticeAlert[];
  resolved: NoticeAlert[];
  at: number;
}

export interface NoticeAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number;
  activeAt: number;
  resolvedAt?: number;
  traceUrl?: string;
}

export interface ChatMessage { text: string; blocks: unknown[] }

export function toNoticeAlert(a: Alert, traceUrl?: string): NoticeAlert {
  return {
    fingerprint: a.fingerprint, labels: a.labels, annotations: a.annotations, value: a.value, activeAt: a.activeAt,
    ...(a.resolvedAt !== undefined ? { resolvedAt: a.resolvedAt } : {}), ...(traceUrl ? { traceUrl } : {}),
  };
}

const MAX_ALERTS_SHOWN = 10;
const SEVERITY_EMOJI: Record<string, string> = { page: ':rotating_light:', critical: ':rotating_light:', ticket: ':warning:', warning: ':warning:' };

function link(url: string | undefined, label: string): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\//.test(url) ? `<${url}|${label}>` : `${label}: \`${url}\``;
}

function title(n: GroupNotice): string {
  const first = n.firing[0] ?? n.resolved[0];
  const name = n.groupLabels.alertname ?? first?.labels.alertname ?? 'alerts';
  const rest = Object.entries(n.groupLabels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`).join(' ');
  return `${name}${rest ? ` (${rest})` : ''}`;
}

function alertLines(a: NoticeAlert): string {
  const summary = a.annotations.summary ?? a.labels.alertname ?? '';
  const labels = Object.entries(a.labels).filter(([k]) => k !== 'alertname').map(([k, v]) => `${k}=${v}`).join(', ');
  const links = [link(a.annotations.runbook_url, 'Runbook'), link(a.annotations.dashboard_url, 'Dashboard'), link(a.traceUrl, 'Exemplar trace')].filter(Boolean).join(' · ');
  return `*${escape(summary)}*\nValue: \`${formatValue(a.value)}\` · since ${new Date(a.activeAt).toISOString()}\n${escape(labels)}${links ? `\n${links}` : ''}`;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The one message of an alert group, as posted first and as updated later (Block Kit). */
export function groupMessage(n: GroupNotice): ChatMessage {
  const resolvedAll = n.firing.length === 0;
  const first = n.firing[0] ?? n.resolved[0];
  const severity = first?.labels.severity ?? 'none';
  const status = resolvedAll ? 'RESOLVED' : `FIRING:${n.firing.length}`;
  const icon = resolvedAll ? ':white_check_mark:' : SEVERITY_EMOJI[severity] ?? ':bell:';
  const text = `[${status}] ${title(n)}${first?.annotations.summary ? ` — ${first.annotations.summary}` : ''}`;
  const shown = resolvedAll ? n.resolved : n.firing;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: `${status} ${title(n)}`.slice(0, 150), emoji: true } },
    { type: 'section', fields: [
      { type: 'mrkdwn', text: `*Severity*\n${icon} ${severity}` },
      { type: 'mrkdwn', text: `*Status*\n${resolvedAll ? `resolved ${new Date(n.at).toISOString()}` : `${n.firing.length} firing, ${n.resolved.length} resolved`}` },
    ] },
    ...shown.slice(0, MAX_ALERTS_SHOWN).map((a) => ({ type: 'section', text: { type: 'mrkdwn', text: alertLines(a).slice(0, 3000) } })),
  ];
  if (shown.length > MAX_ALERTS_SHOWN) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${shown.length - MAX_ALERTS_SHOWN} more` }] });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `group ${escape(JSON.stringify(n.groupLabels))} · receiver ${n.receiver}` }] });
  return { text, blocks };
}

/** The reply under the group's message: why it changed (resolved, repeat, alerts joined or left). */
export function threadReply(n: GroupNotice): ChatMessage {
  const names = (list: NoticeAlert[]) => list.slice(0, MAX_ALERTS_SHOWN).map((a) => `• ${escape(a.annotations.summary ?? a.labels.alertname ?? a.fingerprint)}`).join('\n');
  let text: string;
  switch (n.reason) {
    case 'resolved': text = `:white_check_mark: Resolved: ${title(n)}\n${names(n.resolved)}`; break;
    case 'repeat': text = `:repeat: Still firing (${n.firing.length}): ${title(n)}\n${names(n.firing)}`; break;
    default: text = `:arrows_counterclockwise: Now ${n.firing.length} firing, ${n.resolved.length} resolved: ${title(n)}\n${names(n.firing)}${n.resolved.length ? `\nResolved:\n${names(n.resolved)}` : ''}`;
  }
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } }] };
}
