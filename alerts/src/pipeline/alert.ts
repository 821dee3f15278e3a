import { createHash } from 'node:crypto';

export type AlertState = 'pending' | 'firing' | 'resolved';

/** An alert instance: one series of one rule. Its identity (fingerprint) is its label set. */
export interface Alert {
  fingerprint: string;
  ruleKey: string;
  labels: Record<string, string>;
  /** The labels of the series the query returned, before rule labels: used to find exemplars. */
  seriesLabels: Record<string, string>;
  annotations: Record<string, string>;
  state: AlertState;
  value: number;
  activeAt: number;
  firedAt?: number;
  resolvedAt?: number;
  lastSeenAt: number;
  /** While keep_firing_for holds a firing alert whose condition is gone. */
  keepFiringSince?: number;
}

export function fingerprint(labels: Readonly<Record<string, string>>): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(labels).sort()) hash.update(`${name}\u0000${labels[name]}\u0000`);
  return hash.digest('hex').slice(0, 16);
}
