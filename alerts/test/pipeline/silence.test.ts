import { afterEach, describe, expect, it } from 'vitest';
import { Silencer } from '../../src/pipeline/silence.ts';
import { StateStore } from '../../src/state/store.ts';

describe('silences', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const store = new StateStore(':memory:');
  const silencer = new Silencer(store, () => now);
  afterEach(() => { now = Date.parse('2026-01-01T00:00:00Z'); });

  it('mutes matching alerts while active, then expires on time', () => {
    const s = silencer.create({ matchers: ['alertname="X"', 'service=~"ca.*"'], duration: '1h', createdBy: 'me', comment: 'deploy' });
    expect(silencer.silencedBy({ alertname: 'X', service: 'cart' })).toEqual([s.id]);
    expect(silencer.silencedBy({ alertname: 'X', service: 'orders' })).toEqual([]);
    now += 3_600_000;
    expect(silencer.silencedBy({ alertname: 'X', service: 'cart' })).toEqual([]);
    expect(silencer.list().find((x) => x.id === s.id)?.status).toBe('expired');
  });

  it('can be expired early, and a pending silence waits for its start', () => {
    const s = silencer.create({ matchers: ['alertname="Y"'], startsAt: new Date(now + 60_000).toISOString(), duration: '1h', createdBy: 'me', comment: 'later' });
    expect(silencer.silencedBy({ alertname: 'Y' })).toEqual([]);
    now += 60_000;
    expect(silencer.silencedBy({ alertname: 'Y' })).toEqual([s.id]);
    silencer.expire(s.id);
    expect(silencer.silencedBy({ alertname: 'Y' })).toEqual([]);
  });

  it('refuses bad requests and stores nothing for them', () => {
    const before = silencer.list().length;
    const bad: Array<[unknown, RegExp]> = [
      [{ matchers: [], duration: '1h', createdBy: 'me', comment: 'c' }, /at least one matcher/],
      [{ matchers: ['service=~".*"'], duration: '1h', createdBy: 'me', comment: 'c' }, /empty string/],
      [{ matchers: ['x="1"'], createdBy: 'me', comment: 'c' }, /always expires/],
      [{ matchers: ['x="1"'], duration: 'forever', createdBy: 'me', comment: 'c' }, /not a duration/],
      [{ matchers: ['x="1"'], endsAt: '2020-01-01T00:00:00Z', createdBy: 'me', comment: 'c' }, /endsAt/],
      [{ matchers: ['x=1=2'], duration: '1h', createdBy: 'me', comment: 'c' }, /bad matcher/],
      [{ matchers: ['x="1"'], duration: '1h', comment: 'c' }, /createdBy/],
      ['not an object', /expected object/],
    ];
    for (const [body, message] of bad) expect(() => silencer.create(body)).toThrow(message);
    expect(silencer.list()).toHaveLength(before);
    expect(() => silencer.expire('nope')).toThrow(/no silence nope/);
  });
});

describe('state pruning', () => {
  it('forgets expired silences and finished deliveries after the retention, keeps open ones', () => {
    const store = new StateStore(':memory:');
    let t = 1_000_000;
    const silencer = new Silencer(store, () => t);
    silencer.create({ matchers: ['a="1"'], duration: '1m', createdBy: 'x', comment: 'y' });
    const thread = store.createThread('g', 'r', '#c', t);
    const sent = store.enqueueDelivery({ threadId: thread, receiver: 'r', channel: '#c', kind: 'post', reason: 'firing', payload: {}, nextAttemptAt: t, createdAt: t, groupKey: 'g' });
    store.markSent(sent, '1.1', t);
    store.enqueueDelivery({ threadId: thread, receiver: 'r', channel: '#c', kind: 'reply', reason: 'repeat', payload: {}, nextAttemptAt: t, createdAt: t, groupKey: 'g' });
    t += 3_600_000;
    expect(store.prune(t)).toBe(1);
    expect(store.listSilences()).toEqual([]);
    expect(store.listDeliveries().map((d) => d.status)).toEqual(['pending']);
  });
});
