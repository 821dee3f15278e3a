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

const request = z.strictObject({
  matchers: z.array(z.string()).min(1, 'at least one matcher'),
  startsAt: z.iso.datetime({ offset: true }).optional(),
  endsAt: z.iso.datetime({ offset: true }).optional(),
  duration: z.string().optional(),
  createdBy: z.string().min(1, 'createdBy names who silences'),
  comment: z.string().min(1, 'comment says why'),
});

export function silenceStatus(s: Silence, now: number): SilenceStatus {
  if (now >= s.endsAt) return 'expired';
  return now < s.startsAt ? 'pending' : 'active';
}

/** Silences with Alertmanager's rules, kept in the state store; expired ones stay listed. */
export class Silencer {
  constructor(private readonly store: StateStore, private readonly now: () => number = Date.now) {}

  /** Validates a silence request; refuses before anything is stored. */
  create(body: unknown): Silence {
    const parsed = request.safeParse(body);
    if (!parsed.success) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
    const r = parsed.data;
    let matchers: Matcher[];
    try { matchers = r.matchers.map(parseMatcher); } catch (err) {
      throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', (err as Error).message);
    }
    if (matchers.every((m) => matches(m, {}))) {
      throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'at least one matcher must not match the empty string, or the silence would mute every alert');
    }
    const now = this.now();
    const startsAt = r.startsAt ? Date.parse(r.startsAt) : now;
    let endsAt: number;
    if (r.endsAt && r.duration) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'give endsAt or duration, not both');
    if (r.endsAt) endsAt = Date.parse(r.endsAt);
    else if (r.duration) {
      try { endsAt = startsAt + parseDuration(r.duration); } catch (err) { throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', (err as Error).message); }
    } else throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'endsAt or duration is required: a silence always expires');
    if (endsAt <= startsAt) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'endsAt must be after startsAt');
    if (endsAt <= now) throw new AlertsError('SHOPSCOPE_ERR_SILENCE_INVALID', 'endsAt is in the past');
    const silence: Silence = { id: randomUUID(), matchers, startsAt, endsAt, createdBy: r.createdBy, comment: r.comment, createdAt: now, updatedAt: now };
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
    return this.store.listSilences().map((s) => ({ ...s, status: silenceStatus(s, now) })).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Ids of the active silences that mute these labels. */
  silencedBy(labels: Readonly<Record<string, string>>): string[] {
    const now = this.now();
    return this.store.listSilences().filter((s) => silenceStatus(s, now) === 'active' && matchesAll(s.matchers, labels)).map((s) => s.id);
  }
}

export function describeSilence(s: Silence): string {
  return `{${s.matchers.map(formatMatcher).join(', ')}}`;
}
