import { RE2JS } from 're2js';
import { AlertsError } from '../errors.ts';

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** The longest matcher text accepted: a label value or regex longer than this is no one's intent. */
export const MAX_MATCHER_LENGTH = 1024;

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"=!~,{}]*))\s*$/;

/** Parses an Alertmanager matcher: `name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
export function parseMatcher(text: string): Matcher {
  if (text.length > MAX_MATCHER_LENGTH)
    throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `matcher longer than ${MAX_MATCHER_LENGTH} characters`);
  const m = MATCHER.exec(text);
  const bad = () =>
    new AlertsError(
      'SHOPSCOPE_ERR_POLICY_INVALID',
      `bad matcher ${JSON.stringify(text)}: use name="value", name!="value", name=~"regex" or name!~"regex"`,
    );
  if (!m) throw bad();
  let value: string;
  try {
    value = m[3] !== undefined ? (JSON.parse(`"${m[3]}"`) as string) : (m[4] ?? '');
  } catch {
    throw bad();
  }
  const matcher: Matcher = { name: m[1] as string, op: m[2] as Matcher['op'], value };
  if (matcher.op === '=~' || matcher.op === '!~') {
    try {
      compile(value);
    } catch (err) {
      throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `bad regex in matcher ${JSON.stringify(text)}: ${(err as Error).message}`);
    }
  }
  return matcher;
}

// Silences are read back from the store as new objects on every check, so compiled patterns are
// kept by their text. Bounded: a flood of distinct patterns only costs recompiling.
const compiled = new Map<string, RE2JS>();
const MAX_COMPILED = 2000;

/**
 * Anchored like Alertmanager's `^(?:re)$`, in RE2 syntax and with RE2's guarantee: matching takes
 * time linear in the label value, whatever the pattern (no backtracking), so no matcher can stall
 * evaluation or the API.
 */
function compile(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(`^(?:${pattern})$`);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    default: {
      const hit = compile(m.value).matches(v);
      return m.op === '=~' ? hit : !hit;
    }
  }
}

export function matchesAll(ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return ms.every((m) => matches(m, labels));
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
