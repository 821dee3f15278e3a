import { isPanNumber } from './redaction/cards.ts';
import { CARD_LABEL, REDACTED } from './redaction/labels.ts';
import { createKeyPredicate, type KeyPredicate } from './redaction/sensitive-keys.ts';
import { createTextRedactor } from './redaction/text.ts';

// Redaction by default, built once. Keys that name a secret lose their value whatever it is
// (redaction/sensitive-keys.ts); every string (messages included) goes through the text rules
// (redaction/text.ts: URL passwords, token shapes, card numbers, e-mails, secret pairs, auth
// schemes, security codes), each linear in the length of the text; numbers that are card
// numbers become `[REDACTED:card]`; values that serialize through `toJSON` (URL objects,
// date-like wrappers) are judged by what they serialize to. Objects are copied only where
// something changed, so clean log calls cost a walk and no allocation. SHOPSCOPE_REDACT adds
// key names (any depth) and dotted paths (from the root of the log fields; `*` matches one key).
// The rule list and how to add one: LOGGING.md.

export { REDACTED } from './redaction/labels.ts';
export { luhnValid } from './redaction/cards.ts';

export type Redactor = <T>(value: T) => T;
export type StringRedactor = (text: string) => string;

/** What one configuration of redaction needs, built once and shared by logs, spans and OTLP. */
export interface Redaction {
  /** Structures (log fields, attributes): keys, strings, numbers, errors, toJSON values. */
  value: Redactor;
  /** One string (a message, an attribute value). */
  text: StringRedactor;
  /** Whether a key (field, attribute or header name) names a secret. */
  isSecretKey: KeyPredicate;
}

const MAX_DEPTH = 8;
const dateToJSON = Date.prototype.toJSON;

/** The default text rules (no SHOPSCOPE_REDACT names). */
export const redactString: StringRedactor = createTextRedactor(createKeyPredicate());

interface PathRule {
  segments: readonly string[];
}

/** A number or bigint that is a card number → the card label; anything else unchanged. */
export function redactNumber<T extends number | bigint>(value: T): T | string {
  return isPanNumber(value) ? CARD_LABEL : value;
}

export function createRedaction(extra: readonly string[] = []): Redaction {
  const keyNames = extra.filter((p) => !p.includes('.'));
  const isSecretKey = createKeyPredicate(keyNames);
  const text = keyNames.length === 0 ? redactString : createTextRedactor(isSecretKey);
  const pathRules: PathRule[] = extra.filter((p) => p.includes('.')).map((p) => ({ segments: p.split('.') }));
  const usesPaths = pathRules.length > 0;

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
    switch (typeof value) {
      case 'string':
        return text(value);
      case 'number':
      case 'bigint':
        return redactNumber(value);
      case 'object':
        break;
      default:
        return value;
    }
    if (value === null) return value;
    if (depth >= MAX_DEPTH) return '[Truncated]';
    if (seen.includes(value)) return '[Circular]';
    if (ArrayBuffer.isView(value)) return value;
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      if (toJSON === dateToJSON) return value;
      // What the serializer will write is what must be clean (a URL's href, a wrapper's value).
      const serialized: unknown = toJSON.call(value, '');
      if (serialized === value) return value;
      seen.push(value);
      try {
        const clean = walk(serialized, depth, path, seen);
        return clean === serialized ? value : clean;
      } finally {
        seen.pop();
      }
    }
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
      if (value instanceof Map || value instanceof Set)
        return walk(Object.fromEntries(value instanceof Map ? value : [...value].entries()), depth, path, seen);
      const source = value as Record<string, unknown>;
      let copy: Record<string, unknown> | undefined;
      for (const key of Object.keys(source)) {
        const current = source[key];
        let next: unknown;
        if (usesPaths) path.push(key);
        if (current !== undefined && current !== null && current !== '' && (isSecretKey(key) || (usesPaths && pathIsRedacted(path)))) {
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
      message: text(String(error.message ?? '')),
    };
    if (error.stack) out.stack = text(error.stack);
    for (const key of Object.keys(error)) {
      if (key === 'message' || key === 'stack' || key === 'name') continue;
      const current = (error as unknown as Record<string, unknown>)[key];
      out[key] = isSecretKey(key) ? REDACTED : walk(current, depth + 1, path, seen);
    }
    if (error.cause !== undefined) out.cause = walk(error.cause, depth + 1, path, seen);
    return out;
  }

  return { value: <T>(value: T): T => walk(value, 0, [], []) as T, text, isSecretKey };
}

/** The structure redactor alone (see createRedaction). */
export function createRedactor(extra: readonly string[] = []): Redactor {
  return createRedaction(extra).value;
}
