import { describe, expect, it } from 'vitest';
import { needsNotification } from '../../src/pipeline/dedup.ts';
import type { NotificationLogEntry } from '../../src/state/store.ts';

const entry = (firing: string[], lastSentAt = 0): NotificationLogEntry => ({
  groupKey: 'g',
  receiver: 'r',
  firing,
  resolved: [],
  lastSentAt,
  threadId: 1,
});
const set = (...x: string[]) => new Set(x);
const HOUR = 3_600_000;

describe('dedup stage', () => {
  it('pages a group the first time something fires, not before', () => {
    expect(needsNotification(undefined, set('a'), 0, HOUR, true)).toBe('firing');
    expect(needsNotification(undefined, set(), 0, HOUR, true)).toBeUndefined();
  });
  it('stays quiet while nothing changed and repeat_interval has not passed', () => {
    expect(needsNotification(entry(['a'], 0), set('a'), HOUR - 1, HOUR, true)).toBeUndefined();
    expect(needsNotification(entry(['a'], 0), set('a'), HOUR, HOUR, true)).toBe('repeat');
  });
  it('updates when an alert joins or leaves the group', () => {
    expect(needsNotification(entry(['a']), set('a', 'b'), 1, HOUR, true)).toBe('update');
    expect(needsNotification(entry(['a', 'b']), set('a'), 1, HOUR, true)).toBe('update');
    expect(needsNotification(entry(['a', 'b']), set('a'), 1, HOUR, false)).toBeUndefined();
  });
  it('resolves when nothing fires any more', () => {
    expect(needsNotification(entry(['a']), set(), 1, HOUR, true)).toBe('resolved');
    expect(needsNotification(entry(['a']), set(), 1, HOUR, false)).toBe('resolved');
  });
});
