import { afterEach, describe, expect, it } from 'vitest';
import { SILENCE_LIMITS, Silencer } from '../../src/pipeline/silence.ts';
import { parsePolicy } from '../../src/policy/policy.ts';
import { matchRoutes } from '../../src/pipeline/route.ts';
import { StateStore } from '../../src/state/store.ts';

describe('silences', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const store = new StateStore(':memory:');
  const silencer = new Silencer(store, () => now);
  afterEach(() => {
    now = Date.parse('2026-01-01T00:00:00Z');
  });

  it('mutes matching alerts while active, then expires on time', () => {
    const s = silencer.create({ matchers: ['alertname="X"', 'service=~"ca.*"'], duration: '1h', createdBy: 'me', comment: 'deploy' });
    expect(silencer.silencedBy({ alertname: 'X', service: 'cart' })).toEqual([s.id]);
    expect(silencer.silencedBy({ alertname: 'X', service: 'orders' })).toEqual([]);
    now += 3_600_000;
    expect(silencer.silencedBy({ alertname: 'X', service: 'cart' })).toEqual([]);
    expect(silencer.list().find((x) => x.id === s.id)?.status).toBe('expired');
  });

  it('can be expired early, and a pending silence waits for its start', () => {
    const s = silencer.create({
      matchers: ['alertname="Y"'],
      startsAt: new Date(now + 60_000).toISOString(),
      duration: '1h',
      createdBy: 'me',
      comment: 'later',
    });
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

describe('silence bounds', () => {
  const base = { createdBy: 'me', comment: 'c' };
  const fresh = () => {
    const t = Date.parse('2026-01-01T00:00:00Z');
    return { silencer: new Silencer(new StateStore(':memory:'), () => t), t };
  };

  it('refuses absurd, negative and too long durations, and ends past the maximum, storing none', () => {
    const { silencer, t } = fresh();
    const day = 86_400_000;
    const bad: Array<[unknown, RegExp]> = [
      [{ matchers: ['x="1"'], duration: '1e12h', ...base }, /not a duration/],
      [{ matchers: ['x="1"'], duration: '1000000000000h', ...base }, /too long a duration/],
      [{ matchers: ['x="1"'], duration: '100000000h', ...base }, /at most 90 days/],
      [{ matchers: ['x="1"'], duration: '99999999999999999999999y', ...base }, /too long a duration/],
      [{ matchers: ['x="1"'], duration: '-1h', ...base }, /not a duration/],
      [{ matchers: ['x="1"'], duration: '91d', ...base }, /at most 90 days/],
      [{ matchers: ['x="1"'], endsAt: '9999-12-31T23:59:59Z', ...base }, /at most 90 days/],
      [{ matchers: ['x="1"'], startsAt: new Date(t + 100 * day).toISOString(), duration: '1h', ...base }, /ahead/],
      [
        { matchers: Array.from({ length: SILENCE_LIMITS.matchersPerSilence + 1 }, (_, i) => `l${i}="v"`), duration: '1h', ...base },
        /at most 32 matchers/,
      ],
      [{ matchers: ['x="1"'], duration: '1h', createdBy: 'me', comment: 'c'.repeat(1001) }, /longer than 1000/],
      [{ matchers: [`x="${'v'.repeat(2000)}"`], duration: '1h', ...base }, /longer than 1024/],
    ];
    for (const [body, message] of bad) expect(() => silencer.create(body), JSON.stringify(body).slice(0, 80)).toThrow(message);
    expect(silencer.list()).toEqual([]);
    // the edge is allowed
    expect(silencer.create({ matchers: ['x="1"'], duration: '90d', ...base }).endsAt).toBe(t + 90 * day);
  });

  it('caps pending and active silences; expired ones do not count', () => {
    const { silencer } = fresh();
    const made = Array.from({ length: SILENCE_LIMITS.maxActive }, (_, i) =>
      silencer.create({ matchers: [`n="${i}"`], duration: '1h', ...base }),
    );
    expect(() => silencer.create({ matchers: ['n="over"'], duration: '1h', ...base })).toThrow(
      expect.objectContaining({ code: 'SHOPSCOPE_ERR_SILENCE_LIMIT' }),
    );
    silencer.expire(made[0]!.id);
    expect(silencer.create({ matchers: ['n="again"'], duration: '1h', ...base }).id).toBeTruthy();
  });

  it('refuses regexes RE2 cannot compile, as Alertmanager does', () => {
    const { silencer } = fresh();
    for (const m of ['x=~"("', 'x=~"a{2000}"', 'x=~"(?=a)a"', 'x=~"\\\\1"']) {
      expect(() => silencer.create({ matchers: [m], duration: '1h', ...base }), m).toThrow(
        expect.objectContaining({ code: 'SHOPSCOPE_ERR_SILENCE_INVALID', message: expect.stringContaining('bad regex') }),
      );
    }
  });

  it('matches regexes in linear time: a catastrophic-backtracking pattern does not stall', () => {
    const { silencer } = fresh();
    const s = silencer.create({ matchers: ['service=~"(a+)+$"'], duration: '1h', ...base });
    // A backtracking engine needs seconds for 28 characters here, and ages for more.
    let t0 = performance.now();
    expect(silencer.silencedBy({ service: `${'a'.repeat(28)}!` })).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(200);
    t0 = performance.now();
    expect(silencer.silencedBy({ service: `${'a'.repeat(100_000)}!` })).toEqual([]);
    expect(silencer.silencedBy({ service: 'a'.repeat(100_000) })).toEqual([s.id]);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('routes with the same linear-time matchers (policy files)', () => {
    const policy = parsePolicy({
      route: { receiver: 'a', routes: [{ matchers: ['service=~"(a+)+$"'], receiver: 'b' }] },
      receivers: [{ name: 'a' }, { name: 'b' }],
    });
    let t0 = performance.now();
    expect(matchRoutes(policy.route, { service: `${'a'.repeat(28)}!` }).map((r) => r.receiver)).toEqual(['a']);
    expect(performance.now() - t0).toBeLessThan(200);
    t0 = performance.now();
    expect(matchRoutes(policy.route, { service: `${'a'.repeat(50_000)}!` }).map((r) => r.receiver)).toEqual(['a']);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('state pruning', () => {
  it('forgets expired silences and finished deliveries after the retention, keeps open ones', () => {
    const store = new StateStore(':memory:');
    let t = 1_000_000;
    const silencer = new Silencer(store, () => t);
    silencer.create({ matchers: ['a="1"'], duration: '1m', createdBy: 'x', comment: 'y' });
    const thread = store.createThread('g', 'r', '#c', t);
    const sent = store.enqueueDelivery({
      threadId: thread,
      receiver: 'r',
      channel: '#c',
      kind: 'post',
      reason: 'firing',
      payload: {},
      nextAttemptAt: t,
      createdAt: t,
      groupKey: 'g',
    });
    store.markSent(sent, '1.1', t);
    store.enqueueDelivery({
      threadId: thread,
      receiver: 'r',
      channel: '#c',
      kind: 'reply',
      reason: 'repeat',
      payload: {},
      nextAttemptAt: t,
      createdAt: t,
      groupKey: 'g',
    });
    t += 3_600_000;
    expect(store.prune(t)).toBe(1);
    expect(store.listSilences()).toEqual([]);
    expect(store.listDeliveries().map((d) => d.status)).toEqual(['pending']);
  });
});
