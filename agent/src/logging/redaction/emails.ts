import { EMAIL_LABEL } from './labels.ts';

// E-mail addresses, plain (`jane.doe@example.com`) or percent-encoded (`jane%40example.com`,
// as in query strings and encoded URLs) → `[REDACTED:email]`.
//
// A scanner, not a regular expression. The obvious pattern (`[local chars]+@[domain](\.[label])*
// \.[tld]`) backtracks: JavaScript's engine tries it from every position of a long run of
// local-part characters and rescans the run each time (quadratic: a 40 KB field took seconds),
// and the repeated label group backtracks again inside the domain. No RE2-style linear engine
// ships with Node (V8's `--enable-experimental-regexp-engine` is a flag, not for production,
// and the `re2` package is a native addon a drop-in agent cannot require), so this walks from
// each `@` (found with indexOf) instead: back over the local part, at most 64 characters (the
// RFC 5321 limit; a longer run loses its last 64) and never past the previous `@` or the last
// replacement, and forward over the domain, at most 253 characters, stopping at the next `@` or
// `%`. Every character is visited a bounded number of times: linear.

const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** RFC 5322 dot-atom characters commonly used in addresses, plus `%` (encoded characters). */
const isLocal = (c: number): boolean => isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isDomain = (c: number): boolean => isAlnum(c) || c === 45 || c === 46;
const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/** Position of the next `@` or `%40` at or after `from`, with the separator's length. */
function nextAt(text: string, from: number, cache: { at: number; pct: number }): [number, number] {
  if (cache.at !== -1 && cache.at < from) cache.at = text.indexOf('@', from);
  if (cache.pct !== -1 && cache.pct < from) cache.pct = text.indexOf('%40', from);
  if (cache.at === -1 && cache.pct === -1) return [-1, 0];
  if (cache.pct === -1 || (cache.at !== -1 && cache.at < cache.pct)) return [cache.at, 1];
  return [cache.pct, 3];
}

/**
 * End of the domain starting at `from`: the end of its last label that is alphabetic and at
 * least 2 characters long (the TLD), with at least one label before it; -1 when none.
 */
function domainEnd(text: string, from: number): number {
  let best = -1;
  let labelStart = from;
  let labels = 0;
  const limit = Math.min(text.length, from + MAX_DOMAIN);
  for (let i = from; i <= limit; i++) {
    const c = i < limit ? text.charCodeAt(i) : -1;
    if (c !== -1 && isDomain(c) && c !== 46) continue;
    // end of a label
    if (i === labelStart) break; // empty label: `..`, a leading dot, or nothing at all
    labels += 1;
    if (labels >= 2 && i - labelStart >= 2) {
      let alpha = true;
      for (let k = labelStart; k < i && alpha; k++) alpha = isAlpha(text.charCodeAt(k));
      if (alpha) best = i;
    }
    if (c !== 46) break;
    labelStart = i + 1;
  }
  return best;
}

/** Replaces e-mail addresses in `text`; returns `text` itself when there are none. */
export function redactEmails(text: string): string {
  const cache = { at: text.indexOf('@'), pct: text.indexOf('%40') };
  if (cache.at === -1 && cache.pct === -1) return text;
  let out = '';
  let copied = 0;
  // Local parts never reach back past the previous separator: runs between separators are
  // scanned once.
  let floor = 0;
  let from = 0;
  for (;;) {
    const [at, length] = nextAt(text, from, cache);
    if (at === -1) break;
    let start = at;
    const lowest = Math.max(floor, at - MAX_LOCAL);
    while (start > lowest && isLocal(text.charCodeAt(start - 1))) start--;
    // a local part does not start with a dot
    while (start < at && text.charCodeAt(start) === 46) start++;
    const end = start < at ? domainEnd(text, at + length) : -1;
    if (end === -1) {
      floor = at + length;
      from = at + length;
      continue;
    }
    out += text.slice(copied, start) + EMAIL_LABEL;
    copied = end;
    floor = end;
    from = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
