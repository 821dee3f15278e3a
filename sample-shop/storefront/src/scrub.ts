// Personal data never leaves the browser: every item Faro is about to send (logs, errors,
// events, measurements, trace spans) passes through `scrubItem` first. Card numbers (13–19
// digits, optionally grouped by spaces or dashes, Luhn-valid, as the agent's redaction does) and
// email addresses are replaced wherever they appear in text; values under card, CVV, email or
// password keys are replaced whole. Identifiers and timestamps are left alone: a trace id or a
// nanosecond time can hold a run of digits that is no card.

import luhn from 'fast-luhn';

export const REDACTED = '[redacted]';

const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const SENSITIVE_KEY = /card|cvv|cvc|email|e-mail|password|passwd|secret|expiry/i;
const UNTOUCHED_KEY = /(^|_|[a-z])(id|Id|ID)$|UnixNano$|^timestamp$|^time$|^duration_ns$/;

export function scrubText(text: string): string {
  return text
    .replace(CARD_CANDIDATE, (match) => {
      const digits = match.replace(/[ -]/g, '');
      return digits.length >= 13 && digits.length <= 19 && digits[0] !== '0' && digits[0] !== '1' && luhn(digits) ? '[card]' : match;
    })
    .replace(EMAIL, '[email]');
}

/** A copy of `value` with every string scrubbed and every sensitive key's value replaced. */
export function scrubValue(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return UNTOUCHED_KEY.test(key) ? value : scrubText(value);
  if (Array.isArray(value)) return value.map((entry) => scrubValue(entry, key));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  // an OTLP attribute: { key: 'user.email', value: { stringValue: '…' } }
  if (typeof source.key === 'string' && 'value' in source && Object.keys(source).length === 2) {
    return { key: source.key, value: SENSITIVE_KEY.test(source.key) ? { stringValue: REDACTED } : scrubValue(source.value, source.key) };
  }
  const copy: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(source)) {
    copy[name] =
      SENSITIVE_KEY.test(name) && entry !== undefined && entry !== null && typeof entry !== 'object' ? REDACTED : scrubValue(entry, name);
  }
  return copy;
}

/** Faro's `beforeSend` hook: the item with its payload and metas scrubbed. */
export function scrubItem<T extends { payload: unknown; meta: unknown }>(item: T): T {
  return { ...item, payload: scrubValue(item.payload), meta: scrubValue(item.meta) };
}
