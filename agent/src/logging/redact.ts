// Redaction by default, built once. Keys that name a secret lose their value whatever it is;
// every string (messages included) is scanned for card numbers (Luhn-valid runs of 13–19
// digits, spaces or dashes allowed), e-mail addresses, bearer/basic credentials, JWTs and
// `password=…`-style pairs. Objects are copied only where something changed, so clean log
// calls cost a walk and no allocation. SHOPSCOPE_REDACT adds key names (any depth) and dotted
// paths (from the root of the log fields; `*` matches one key).

export const REDACTED = '[REDACTED]';

const SENSITIVE_KEY =
  /pass(?:word|wd|phrase)?$|^pwd$|secret|token|^auth(?:orization)?$|^proxy-authorization$|cookie|^cvv2?$|^cvc2?$|^csc$|^cid$|security.?code|card.?(?:number|num|no)$|^pan$|api.?key|private.?key|credential|session.?id|^otp$|^pin$|^iban$|^ssn$/i;

const CARD_CANDIDATE = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const AUTH_SCHEME = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9\-._~+/]{6,}=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g;
const SECRET_PAIR =
  /\b(password|passwd|pwd|pass|secret|client_secret|token|access_token|refresh_token|id_token|api[_-]?key|apikey|cvv2?|cvc2?|pin)(\s*["']?\s*[:=]\s*["']?)([^\s"'&,;)}\]]+)/gi;
const HEADER_LINE = /\b(authorization|proxy-authorization|cookie|set-cookie)(\s*:\s*)[^\r\n]+/gi;
/** Cheap pre-check: strings without any of these cannot match a pattern above. */
const MAYBE_SENSITIVE = /\d{4}|@|bearer|basic|token|pass|pwd|secret|key|cvv|cvc|pin|eyJ|cookie|auth/i;

const MAX_DEPTH = 8;

export type Redactor = <T>(value: T) => T;
export type StringRedactor = (text: string) => string;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function replaceCards(text: string): string {
  return text.replace(CARD_CANDIDATE, (match) => {
    const digits = match.replace(/[ -]/g, '');
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? '[REDACTED:card]' : match;
  });
}

/** Shorter than the shortest card number and without '@', ':' or '=': nothing can match. */
function cannotMatch(text: string): boolean {
  return text.length < 13 && !text.includes('@') && !text.includes(':') && !text.includes('=');
}

export const redactString: StringRedactor = (text) => {
  if (cannotMatch(text) || !MAYBE_SENSITIVE.test(text)) return text;
  let out = text;
  if (out.includes('@')) out = out.replace(EMAIL, '[REDACTED:email]');
  out = out.replace(JWT, '[REDACTED:jwt]');
  out = out.replace(HEADER_LINE, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`);
  out = out.replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(SECRET_PAIR, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`);
  out = replaceCards(out);
  return out;
};

interface PathRule {
  segments: readonly string[];
}

export function createRedactor(extra: readonly string[] = []): Redactor {
  const extraKeys = new Set(extra.filter((p) => !p.includes('.')).map((k) => k.toLowerCase()));
  const pathRules: PathRule[] = extra.filter((p) => p.includes('.')).map((p) => ({ segments: p.split('.') }));
  const usesPaths = pathRules.length > 0;

  // Log keys repeat endlessly: the verdict per key name is memoised (bounded).
  const verdicts = new Map<string, boolean>();
  function keyIsSensitive(key: string): boolean {
    let verdict = verdicts.get(key);
    if (verdict === undefined) {
      verdict = SENSITIVE_KEY.test(key) || (extraKeys.size > 0 && extraKeys.has(key.toLowerCase()));
      if (verdicts.size < 5000) verdicts.set(key, verdict);
    }
    return verdict;
  }

  function pathIsRedacted(path: readonly string[]): boolean {
    for (const rule of pathRules) {
      if (rule.segments.length !== path.length) continue;
      let ok = true;
      for (let i = 0; i < path.length; i++) {
        const segment = rule.segments[i];
        if (segment !== '*' && segment !== path[i]) {
          ok = false;
          break;
        }
      }
      if (ok) return true;
    }
    return false;
  }

  function walk(value: unknown, depth: number, path: string[], seen: object[]): unknown {
    if (typeof value === 'string') return redactString(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (seen.includes(value)) return '[Circular]';
    if (value instanceof Date || ArrayBuffer.isView(value)) return value;
    seen.push(value);
    try {
      if (value instanceof Error) return errorToObject(value, depth, path, seen);
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          if (usesPaths) path.push(String(i));
          const next = walk(value[i], depth + 1, path, seen);
          if (usesPaths) path.pop();
          if (next !== value[i]) (copy ??= value.slice())[i] = next;
        }
        return copy ?? value;
      }
      if (value instanceof Map || value instanceof Set) return walk(Object.fromEntries(value instanceof Map ? value : [...value].entries()), depth, path, seen);
      const source = value as Record<string, unknown>;
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(source)) {
        const current = source[key];
        let next: unknown;
        if (usesPaths) path.push(key);
        if (current !== undefined && current !== null && current !== '' && (keyIsSensitive(key) || (usesPaths && pathIsRedacted(path)))) {
          next = REDACTED;
        } else {
          next = walk(current, depth + 1, path, seen);
        }
        if (usesPaths) path.pop();
        if (next !== current) (copy ??= { ...source })[key] = next;
      }
      return copy ?? value;
    } finally {
      seen.pop();
    }
  }

  function errorToObject(error: Error, depth: number, path: string[], seen: object[]): Record<string, unknown> {
    const out: Record<string, unknown> = {
      type: error.name || error.constructor?.name || 'Error',
      message: redactString(String(error.message ?? '')),
    };
    if (error.stack) out.stack = redactString(error.stack);
    for (const key of Object.keys(error)) {
      if (key === 'message' || key === 'stack' || key === 'name') continue;
      const current = (error as unknown as Record<string, unknown>)[key];
      out[key] = keyIsSensitive(key) ? REDACTED : walk(current, depth + 1, path, seen);
    }
    if (error.cause !== undefined) out.cause = walk(error.cause, depth + 1, path, seen);
    return out;
  }

  return <T>(value: T): T => walk(value, 0, [], []) as T;
}
