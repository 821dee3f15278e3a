import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AlertsError } from '../errors.ts';
import { formatMatcher, matches, matchesAll, parseMatcher, type Matcher } from '../policy/matchers.ts';
import { parseDuration } from '../rules/duration.ts';
import type { StateStore } from '../state/store.ts';

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
  updatedAt: number;
}

export type SilenceStatus = 'pending' | 'active' | 'expired';

/** The bounds of a silence (README, "Silences"): each keeps GET /api/silences and every check cheap and sane. */
export const SILENCE_LIMITS = {
  /** A silence ends at most this long after it starts (or after now, for one that starts in the past). */
  maxDurationMs: 90 * 86_400_000,
  /** A silence may be scheduled to start at most this far ahead. */
  maxStartAheadMs: 90 * 86_400_000,
  /** Silences pending or active at once. */
  maxActive: 1000,
  matchersPerSilence: 32,
  textLength: 1000,
} as const;

const text = (what: string, message: string) =>
  z.string().min(1, message).max(SILENCE_LIMITS.textLength, `${what} is longer than ${SILENCE_LIMITS.textLength} characters`);
const request = z.strictObject({
  matchers: z
    .array(z.string())
    .min(1, 'at least one matcher')
    .max(SILENCE_LIMITS.matchersPerSilence, `at most ${SILENCE_LIMITS.matchersPerSilence} matchers`),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  duration: z.string().max(100).optional(),
  createdBy: text('createdBy', 'createdBy names who silences'),
  comment: text('comment', 'comment says why'),
});

export function silenceStatus(s: Silence, now: number): SilenceStatus {
  if (now >= s.endsAt) return 'expired';
  return now < s.startsAt ? 'pending' : 'active';
}

/** Silences with Alertmanager's rules, kept in the state store; expired ones stay listed. */
export class Silencer {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Validates a silence request; refuses before anything is stored. */
  create(body: unknown): Silence {
    const parsed = request.safeParse(body);
    if (!parsed.success)
      throw new AlertsError(
        'SHOPSCOPE_ERR_SILENCE_INVALID',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
      );
    const r = parsed.data;
    let matchers: Matcher[];
    try {
      matchers = r.matchers.map(parseMatcher);
    } catch (err) {
      throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', (err as Error).message);
    }
    if (matchers.every((m) => matches(m, {}))) {
      throw new AlertsError(
        'SHOPSCOPE_ERR_SILENCE_INVALID',
        'at least one matcher must not match the empty string, or the silence would mute every alert',
      );
    }
    const now = this.now();
    const startsAt = r.startsAt ? Date.parse(r.startsAt) : now;
    let endsAt: number;
    if (r.endsAt && r.duration) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'give endsAt or duration, not both');
    if (r.endsAt) endsAt = Date.parse(r.endsAt);
    else if (r.duration) {
      try {
        endsAt = startsAt + parseDuration(r.duration);
      } catch (err) {
        throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', (err as Error).message);
      }
    } else throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'endsAt or duration is required: a silence always expires');
    if (endsAt <= startsAt) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'endsAt must be after startsAt');
    if (endsAt <= now) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'endsAt is in the past');
    const days = (ms: number) => `${ms / 86_400_000} days`;
    if (startsAt - now > SILENCE_LIMITS.maxStartAheadMs)
      throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', `startsAt is more than ${days(SILENCE_LIMITS.maxStartAheadMs)} ahead`);
    if (endsAt - Math.max(startsAt, now) > SILENCE_LIMITS.maxDurationMs) {
      throw new AlertsError(
        'SHOPSCOPE_ERR_SILENCE_INVALID',
        `a silence lasts at most ${days(SILENCE_LIMITS.maxDurationMs)}: make a new one when it ends`,
      );
    }
    const open = this.store.listSilences().filter((x) => silenceStatus(x, now) !== 'expired').length;
    if (open >= SILENCE_LIMITS.maxActive)
      throw new AlertsError(
        'SHOPSCOPE_ERR_SILENCE_LIMIT',
        `${open} silences are pending or active, the most there can be: expire some first`,
      );
    const silence: Silence = {
      id: randomUUID(),
      matchers,
      startsAt,
      endsAt,
      createdBy: r.createdBy,
      comment: r.comment,
      createdAt: now,
      updatedAt: now,
    };
    this.store.putSilence(silence);
    return silence;
  }

  expire(id: string): Silence {
    const s = this.store.listSilences().find((x) => x.id === id);
    if (!s) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_NOT_FOUND', `no silence ${id}`);
    const now = this.now();
    if (silenceStatus(s, now) === 'expired') return s;
    const expired = { ...s, endsAt: now, startsAt: Math.min(s.startsAt, now), updatedAt: now };
    this.store.putSilence(expired);
    return expired;
  }

  list(): Array<Silence & { status: SilenceStatus }> {
    const now = this.now();
    return this.store
      .listSilences()
      .map((s) => ({ ...s, status: silenceStatus(s, now) }))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Ids of the active silences that mute these labels. */
  silencedBy(labels: Readonly<Record<string, string>>): string[] {
    const now = this.now();
    return this.store
      .listSilences()
      .filter((s) => silenceStatus(s, now) === 'active' && matchesAll(s.matchers, labels))
      .map((s) => s.id);
  }
}

export function describeSilence(s: Silence): string {
  return `{${s.matchers.map(formatMatcher).join(', ')}}`;
}
