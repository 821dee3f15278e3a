import type { Sample } from '../query/instant-query.ts';
import type { AlertRule } from '../rules/types.ts';
import { fingerprint, type Alert } from './alert.ts';

/** How long a resolved alert is kept (and re-sent), as Prometheus does, so a lost resolve is repaired. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

export interface Transition {
  alert: Alert;
  from: Alert['state'] | 'new';
  to: Alert['state'] | 'gone';
}

/**
 * One evaluation of one alerting rule, with Prometheus's semantics: a new series is pending, it
 * fires once it has been active for `for`, a firing alert whose series is gone stays firing for
 * `keep_firing_for` and then resolves; a pending alert whose series is gone is forgotten.
 */
export function advanceRule(
  rule: AlertRule,
  groupLabels: Readonly<Record<string, string>>,
  active: ReadonlyMap<string, Alert>,
  samples: readonly Sample[],
  now: number,
  externalLabels: Readonly<Record<string, string>> = {},
): { alerts: Map<string, Alert>; transitions: Transition[] } {
  const next = new Map<string, Alert>();
  const transitions: Transition[] = [];
  for (const sample of samples) {
    const tmpl = { labels: sample.labels, value: sample.value, externalLabels };
    const labels: Record<string, string> = { ...sample.labels };
    delete labels.__name__;
    Object.assign(labels, groupLabels);
    for (const [name, template] of rule.labelTemplates) labels[name] = template(tmpl);
    labels.alertname = rule.name;
    const annotations: Record<string, string> = {};
    for (const [name, template] of rule.annotationTemplates) annotations[name] = template(tmpl);
    const fp = fingerprint(labels);
    if (next.has(fp)) continue; // Prometheus reports duplicate label sets as an error; the first one wins here.
    const seriesLabels = { ...sample.labels };
    delete seriesLabels.__name__;
    const previous = active.get(fp);
    if (previous && previous.state !== 'resolved') {
      const updated: Alert = { ...previous, labels, seriesLabels, annotations, value: sample.value, lastSeenAt: now };
      delete updated.keepFiringSince;
      next.set(fp, updated);
    } else {
      const created: Alert = {
        fingerprint: fp,
        ruleKey: rule.key,
        labels,
        seriesLabels,
        annotations,
        state: 'pending',
        value: sample.value,
        activeAt: now,
        lastSeenAt: now,
      };
      next.set(fp, created);
      transitions.push({ alert: created, from: 'new', to: 'pending' });
    }
  }
  for (const [fp, previous] of active) {
    if (next.has(fp)) continue;
    if (previous.state === 'pending') {
      transitions.push({ alert: previous, from: 'pending', to: 'gone' });
      continue;
    }
    if (previous.state === 'firing') {
      if (rule.keepFiringForMs > 0 && now - previous.lastSeenAt < rule.keepFiringForMs) {
        next.set(fp, { ...previous, keepFiringSince: previous.keepFiringSince ?? now });
        continue;
      }
      const resolved: Alert = { ...previous, state: 'resolved', resolvedAt: now };
      delete resolved.keepFiringSince;
      next.set(fp, resolved);
      transitions.push({ alert: resolved, from: 'firing', to: 'resolved' });
      continue;
    }
    if (previous.resolvedAt !== undefined && now - previous.resolvedAt < RESOLVED_RETENTION_MS) next.set(fp, previous);
  }
  for (const [fp, alert] of next) {
    if (alert.state === 'pending' && now - alert.activeAt >= rule.forMs) {
      const firing: Alert = { ...alert, state: 'firing', firedAt: now };
      next.set(fp, firing);
      transitions.push({ alert: firing, from: 'pending', to: 'firing' });
    }
  }
  return { alerts: next, transitions };
}
