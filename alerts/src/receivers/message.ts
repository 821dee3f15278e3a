import type { Alert } from '../pipeline/alert.ts';
import type { NotifyReason } from '../pipeline/dedup.ts';
import { cut, escapeMrkdwn as escape, fitToSlack, linkUrl, SLACK_LIMITS } from './slack-format.ts';

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

export interface ChatMessage {
  text: string;
  blocks: unknown[];
}

export function toNoticeAlert(a: Alert, traceUrl?: string): NoticeAlert {
  return {
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    value: a.value,
    activeAt: a.activeAt,
    ...(a.resolvedAt !== undefined ? { resolvedAt: a.resolvedAt } : {}),
    ...(traceUrl ? { traceUrl } : {}),
  };
}

const MAX_ALERTS_SHOWN = 10;
const SEVERITY_EMOJI: Record<string, string> = {
  page: ':rotating_light:',
  critical: ':rotating_light:',
  ticket: ':warning:',
  warning: ':warning:',
};

// Links come from annotations, which templates fill with label values: escaped like any text.
function link(url: string | undefined, label: string): string | undefined {
  if (!url) return undefined;
  return /^https?:\/\//.test(url) ? `<${linkUrl(url)}|${label}>` : `${label}: \`${escape(cut(url, 500))}\``;
}

/** The group's name and labels, escaped for mrkdwn. */
function title(n: GroupNotice): string {
  const first = n.firing[0] ?? n.resolved[0];
  const name = n.groupLabels.alertname ?? first?.labels.alertname ?? 'alerts';
  const rest = Object.entries(n.groupLabels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return escape(`${name}${rest ? ` (${rest})` : ''}`);
}

function alertLines(a: NoticeAlert): string {
  const summary = a.annotations.summary ?? a.labels.alertname ?? '';
  const labels = Object.entries(a.labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const links = [
    link(a.annotations.runbook_url, 'Runbook'),
    link(a.annotations.dashboard_url, 'Dashboard'),
    link(a.traceUrl, 'Exemplar trace'),
  ]
    .filter(Boolean)
    .join(' · ');
  // The summary and labels are cut first, so the links (what on-call clicks) survive a long value.
  return `*${cut(escape(summary), 1000)}*\nValue: \`${formatValue(a.value)}\` · since ${new Date(a.activeAt).toISOString()}\n${cut(escape(labels), 1000)}${links ? `\n${links}` : ''}`;
}

function formatValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** The one message of an alert group, as posted first and as updated later (Block Kit). */
export function groupMessage(n: GroupNotice): ChatMessage {
  const resolvedAll = n.firing.length === 0;
  const first = n.firing[0] ?? n.resolved[0];
  const severity = first?.labels.severity ?? 'none';
  const status = resolvedAll ? 'RESOLVED' : `FIRING:${n.firing.length}`;
  const icon = resolvedAll ? ':white_check_mark:' : (SEVERITY_EMOJI[severity] ?? ':bell:');
  const text = `[${status}] ${title(n)}${first?.annotations.summary ? ` — ${cut(escape(first.annotations.summary), 1000)}` : ''}`;
  const shown = resolvedAll ? n.resolved : n.firing;
  const blocks: unknown[] = [
    // Slack reads &, < and > as control characters in every text object, plain_text included
    { type: 'header', text: { type: 'plain_text', text: `${status} ${title(n)}`, emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Severity*\n${icon} ${escape(severity)}` },
        {
          type: 'mrkdwn',
          text: `*Status*\n${resolvedAll ? `resolved ${new Date(n.at).toISOString()}` : `${n.firing.length} firing, ${n.resolved.length} resolved`}`,
        },
      ],
    },
    ...shown.slice(0, MAX_ALERTS_SHOWN).map((a) => ({ type: 'section', text: { type: 'mrkdwn', text: alertLines(a) } })),
  ];
  if (shown.length > MAX_ALERTS_SHOWN)
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${shown.length - MAX_ALERTS_SHOWN} more` }] });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `group ${escape(JSON.stringify(n.groupLabels))} · receiver ${escape(n.receiver)}` }],
  });
  return fitToSlack({ text, blocks });
}

/** The reply under the group's message: why it changed (resolved, repeat, alerts joined or left). */
export function threadReply(n: GroupNotice): ChatMessage {
  const names = (list: NoticeAlert[]) =>
    list
      .slice(0, MAX_ALERTS_SHOWN)
      .map((a) => `• ${cut(escape(a.annotations.summary ?? a.labels.alertname ?? a.fingerprint), 250)}`)
      .join('\n');
  let text: string;
  switch (n.reason) {
    case 'resolved':
      text = `:white_check_mark: Resolved: ${title(n)}\n${names(n.resolved)}`;
      break;
    case 'repeat':
      text = `:repeat: Still firing (${n.firing.length}): ${title(n)}\n${names(n.firing)}`;
      break;
    default:
      text = `:arrows_counterclockwise: Now ${n.firing.length} firing, ${n.resolved.length} resolved: ${title(n)}\n${names(n.firing)}${n.resolved.length ? `\nResolved:\n${names(n.resolved)}` : ''}`;
  }
  return fitToSlack({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cut(text, SLACK_LIMITS.sectionText) } }] });
}
