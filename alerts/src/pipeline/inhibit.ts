import { matchesAll } from '../policy/matchers.ts';
import type { InhibitRule } from '../policy/policy.ts';
import type { Alert } from './alert.ts';

/**
 * Alertmanager's inhibition: a firing source alert mutes target alerts that match the target
 * matchers and carry the same values of the `equal` labels. An alert never inhibits itself.
 */
export function inhibitedBy(target: Alert, rules: readonly InhibitRule[], firing: Iterable<Alert>): Alert | undefined {
  const relevant = rules.filter((r) => matchesAll(r.targetMatchers, target.labels));
  if (relevant.length === 0) return undefined;
  for (const source of firing) {
    if (source.state !== 'firing' || source.fingerprint === target.fingerprint) continue;
    for (const rule of relevant) {
      if (!matchesAll(rule.sourceMatchers, source.labels)) continue;
      if (rule.equal.every((name) => (source.labels[name] ?? '') === (target.labels[name] ?? ''))) return source;
    }
  }
  return undefined;
}
