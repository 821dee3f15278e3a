import { REDACTED } from './labels.ts';
import { HEADER_LINE_KEYS, joinedKey, type KeyPredicate } from './sensitive-keys.ts';

// `key=value` and `key: value` pairs inside text whose key names a secret (the same rule as for
// object keys, see sensitive-keys.ts): query strings (`?token=…&api_key=…&sig=…`), form bodies,
// JSON text (`{"password":"…"}`), config dumps (`db.password = …`), and header lines
// (`Authorization: …`, `Cookie: …`, `Set-Cookie: …`, whose value runs to the end of the line).
// The value loses its text, the key and separator stay.
//
// A scanner, not a regular expression: the earlier pattern
// `\b(password|…)(\s*["']?\s*[:=]\s*["']?)([^\s"'&,;)}\]]+)` backtracked quadratically over
// whitespace, and a list of key names in a pattern cannot apply the separator-insensitive rule.
// JavaScript has no linear-time regular expression engine to lean on (see emails.ts). This
// visits each `=` or `:` once: it reads the key backwards (at most MAX_KEY characters, and never
// past the previous separator) and, for a secret key, the value forwards; scanning resumes after
// the value. Closing quotes are found with indexOf results kept between pairs, so a text full
// of unclosed quotes is still scanned once.

const MAX_KEY = 64;
const MAX_GAP = 8;

const isKeyChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
const isBlank = (c: number): boolean => c === 32 || c === 9;
/** An unquoted value: up to whitespace, a quote, `&`, `,`, `;`, `)`, `}`, `]`, `<` or `>` (sticky: matched where it starts). */
const UNQUOTED_VALUE = /[^\s"'&,;)}\]<>]*/y;
/** The rest of a header line. */
const REST_OF_LINE = /[^\r\n]*/y;

function endOf(pattern: RegExp, text: string, from: number): number {
  pattern.lastIndex = from;
  pattern.test(text);
  return pattern.lastIndex;
}

/** indexOf(char, from) with the last answer kept: forward-only scans stay linear. */
class NextIndex {
  private at = -2;
  constructor(
    private readonly text: string,
    private readonly char: string,
  ) {}

  from(position: number): number {
    if (this.at === -1) return -1;
    if (this.at < position) this.at = this.text.indexOf(this.char, position);
    return this.at;
  }
}

/** First unescaped `quote` at or after `from`, or -1. */
function closingQuote(text: string, from: number, quotes: NextIndex): number {
  let at = quotes.from(from);
  while (at !== -1) {
    let backslashes = 0;
    for (let k = at - 1; k >= from && text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return at;
    at = quotes.from(at + 1);
  }
  return -1;
}

const LABEL = /^\[REDACTED(?::[a-z]+)?\]/;
const MAX_LABEL = 24;

/** Length of the redaction label (`[REDACTED]`, `[REDACTED:jwt]`) at `start`, or 0. */
function labelAt(text: string, start: number): number {
  if (text.charCodeAt(start) !== 91) return 0;
  const match = LABEL.exec(text.slice(start, start + MAX_LABEL));
  return match === null ? 0 : match[0].length;
}

export function redactPairs(text: string, isSecret: KeyPredicate): string {
  const equals = new NextIndex(text, '=');
  const colons = new NextIndex(text, ':');
  if (equals.from(0) === -1 && colons.from(0) === -1) return text;
  const doubleQuotes = new NextIndex(text, '"');
  const singleQuotes = new NextIndex(text, "'");
  let out = '';
  let copied = 0;
  let from = 0;
  let floor = 0;
  for (;;) {
    const eq = equals.from(from);
    const colon = colons.from(from);
    const sep = eq === -1 ? colon : colon === -1 ? eq : Math.min(eq, colon);
    if (sep === -1) break;
    from = sep + 1;
    const isColon = sep === colon;
    // `scheme://` is not a pair
    if (isColon && sep + 2 < text.length && text.charCodeAt(sep + 1) === 47 && text.charCodeAt(sep + 2) === 47) {
      floor = from;
      continue;
    }

    // the key, backwards: blanks, an optional closing quote, then key characters
    let keyEnd = sep;
    let gap = 0;
    while (keyEnd > floor && gap < MAX_GAP && isBlank(text.charCodeAt(keyEnd - 1))) {
      keyEnd--;
      gap++;
    }
    const keyQuoted = keyEnd > floor && (text.charCodeAt(keyEnd - 1) === 34 || text.charCodeAt(keyEnd - 1) === 39);
    if (keyQuoted) keyEnd--;
    let keyStart = keyEnd;
    while (keyStart > floor && keyEnd - keyStart <= MAX_KEY && isKeyChar(text.charCodeAt(keyStart - 1))) keyStart--;
    floor = from;
    // no secret name is shorter than three characters (`pwd`, `pin`, `sig`, …)
    if (keyEnd - keyStart < 3 || keyEnd - keyStart > MAX_KEY) continue;
    // dotted keys (`db.password`, `token.ts:12` in a stack) are judged by their last segment
    let segment = keyEnd;
    while (segment > keyStart && text.charCodeAt(segment - 1) !== 46) segment--;
    const key = text.slice(segment, keyEnd);
    if (key.length < 3 || !isSecret(key)) continue;

    // the value, forwards
    let valueStart = sep + 1;
    gap = 0;
    while (valueStart < text.length && gap < MAX_GAP && isBlank(text.charCodeAt(valueStart))) {
      valueStart++;
      gap++;
    }
    if (valueStart >= text.length) break;
    let valueEnd = -1;
    const first = text.charCodeAt(valueStart);
    const headerLine = isColon && !keyQuoted && HEADER_LINE_KEYS.has(joinedKey(key));
    if (headerLine) {
      // a header line: everything up to the end of the line
      valueEnd = endOf(REST_OF_LINE, text, valueStart);
    } else if (first === 34 || first === 39) {
      const close = closingQuote(text, valueStart + 1, first === 34 ? doubleQuotes : singleQuotes);
      valueStart += 1;
      if (close !== -1) valueEnd = close;
    }
    // A value that is a label already (`[REDACTED:jwt]`) stays: redacting twice changes nothing.
    const label = labelAt(text, valueStart);
    if (label > 0 && (valueEnd === -1 || valueEnd === valueStart + label)) {
      from = Math.max(from, valueStart + label);
      floor = from;
      continue;
    }
    if (valueEnd === -1) valueEnd = endOf(UNQUOTED_VALUE, text, valueStart);
    from = Math.max(from, valueEnd);
    floor = from;
    if (valueEnd === valueStart) continue;
    out += text.slice(copied, valueStart) + REDACTED;
    copied = valueEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
