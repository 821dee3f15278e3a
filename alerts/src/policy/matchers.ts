import { AlertsError } from '../errors.ts';

export interface Matcher { name: string; op: '=' | '!=' | '=~' | '!~'; value: string }

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s"=!~,{}]*))\s*$/;

/** Parses an Alertmanager matcher: `name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"`. */
export function parseMatcher(text: string): Matcher {
  const m = MATCHER.exec(text);
  if (!m) throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `bad matcher ${JSON.stringify(text)}: use name="value", name!="value", name=~"regex" or name!~"regex"`);
  const value = m[3] !== undefined ? (JSON.parse(`"${m[3]}"`) as string) : (m[4] ?? '');
  const matcher: Matcher = { name: m[1] as string, op: m[2] as Matcher['op'], value };
  if (matcher.op === '=~' || matcher.op === '!~') {
    try { new RegExp(`^(?:${value})$`); } catch (err) {
      throw new AlertsError('SHOPSCOPE_ERR_POLICY_INVALID', `bad regex in matcher ${JSON.stringify(text)}: ${(err as Error).message}`);
    }
  }
  return matcher;
}

const compiled = new WeakMap<Matcher, RegExp>();

export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    default: {
      let re = compiled.get(m);
      if (!re) { re = new RegExp(`^(?:${m.value})$`); compiled.set(m, re); }
      return m.op === '=~' ? re.test(v) : !re.test(v);
    }
  }
}

export function matchesAll(ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return ms.every((m) => matches(m, labels));
}

export function formatMatcher(m: Matcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
