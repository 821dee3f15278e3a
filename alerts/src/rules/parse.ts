import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { z } from 'zod';
import { AlertsError } from '../errors.ts';
import { parseDuration } from './duration.ts';
import { compileTemplate, type CompiledTemplate } from './template.ts';
import type { Datasource, Position, Rule, RuleGroup, RuleProblem } from './types.ts';

const DATASOURCES = ['prometheus', 'victorialogs'] as const;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelMap = z.record(z.string().regex(LABEL_NAME, 'label names match [a-zA-Z_][a-zA-Z0-9_]*'), z.coerce.string());
// YAML reads a bare `0` as a number; Prometheus reads it as the duration "0".
const duration = z.preprocess((v) => (typeof v === 'number' ? String(v) : v),
  z.string().refine((s) => { try { parseDuration(s); return true; } catch { return false; } }, 'not a duration (e.g. 30s, 5m)'));
/** The shortest group interval: below it a group would be re-run in a busy loop. */
const MIN_INTERVAL_MS = 1000;
const interval = duration.refine((s) => { try { return parseDuration(s as string) >= MIN_INTERVAL_MS; } catch { return true; } }, 'interval must be at least 1s');

const ruleSchema = z.strictObject({
  alert: z.string().min(1).optional(),
  record: z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'record must be a metric name').optional(),
  expr: z.string().min(1, 'expr is empty'),
  for: duration.optional(),
  keep_firing_for: duration.optional(),
  labels: labelMap.optional(),
  annotations: labelMap.optional(),
}).refine((r) => (r.alert === undefined) !== (r.record === undefined), 'a rule has exactly one of alert or record')
  .refine((r) => r.record === undefined || (r.for === undefined && r.keep_firing_for === undefined && r.annotations === undefined),
    'a recording rule has no for, keep_firing_for or annotations');

const groupSchema = z.strictObject({
  name: z.string().min(1, 'group name is empty'),
  interval: interval.optional(),
  datasource: z.enum(DATASOURCES, `must be one of ${DATASOURCES.join(', ')}`).optional(),
  labels: labelMap.optional(),
  rules: z.array(z.unknown()),
});

/** Parses one rule file. Every group is checked on its own: a bad group is a problem, the rest still load. */
export function parseRuleFile(file: string, defaultIntervalMs: number, text?: string): { groups: RuleGroup[]; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  let source: string;
  try {
    source = text ?? readFileSync(file, 'utf8');
  } catch (err) {
    return { groups: [], problems: [{ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file, message: (err as Error).message }] };
  }
  const lines = new LineCounter();
  // `merge: true`: `<<: *base` merge keys (YAML 1.1), as Prometheus's YAML reader accepts them.
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = lines.linePos(e.pos[0]);
      problems.push({ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file, line: pos.line, column: pos.col, message: `YAML: ${e.message.split('\n')[0]}` });
    }
    return { groups: [], problems };
  }
  // The values come from the whole document, where anchors and aliases resolve (a node alone
  // cannot see its aliases' anchors); the nodes still give the line and column of each problem.
  let json: { groups?: unknown[] } | null;
  try {
    json = doc.toJS({ maxAliasCount: 1000 }) as { groups?: unknown[] } | null;
  } catch (err) {
    return { groups: [], problems: [{ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file, message: `YAML: ${(err as Error).message}` }] };
  }
  const at = (node: Node | null | undefined): Position => {
    const p = lines.linePos(node?.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };
  const root = doc.contents;
  const groupsNode = isMap(root) ? root.get('groups', true) : undefined;
  if (!isMap(root) || !isSeq(groupsNode)) {
    if (root === null || (isMap(root) && root.items.length === 0)) return { groups: [], problems };
    problems.push({ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file, ...toLineCol(at(root as Node)), message: 'a rule file is a map with a "groups" list' });
    return { groups: [], problems };
  }
  const unknownTop = root.items.map((i) => String((i.key as { value?: unknown })?.value)).filter((k) => k !== 'groups');
  if (unknownTop.length > 0) problems.push({ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file, ...toLineCol(at(root)), message: `unknown top-level keys: ${unknownTop.join(', ')}` });

  const groups: RuleGroup[] = [];
  const seen = new Set<string>();
  groupsNode.items.forEach((groupNode, gi) => {
    const raw = json?.groups?.[gi] ?? null;
    const parsed = groupSchema.safeParse(raw);
    const groupName = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : `#${gi + 1}`;
    if (!parsed.success) {
      problems.push({ code: 'SHOPSCOPE_ERR_RULE_GROUP_INVALID', file, group: groupName, ...toLineCol(at(groupNode as Node)), message: zodMessage(parsed.error) });
      return;
    }
    const g = parsed.data;
    if (seen.has(g.name)) {
      problems.push({ code: 'SHOPSCOPE_ERR_RULE_GROUP_INVALID', file, group: g.name, ...toLineCol(at(groupNode as Node)), message: 'group name repeated in this file' });
      return;
    }
    seen.add(g.name);
    const rulesNode = (groupNode as YAMLMap).get('rules', true);
    const rules: Rule[] = [];
    let groupOk = true;
    g.rules.forEach((rawRule, ri) => {
      const ruleNode = isSeq(rulesNode) ? (rulesNode.items[ri] as Node) : undefined;
      const exprNode = isMap(ruleNode) ? (ruleNode.get('expr', true) as Node | undefined) : undefined;
      const ruleName = (rawRule as { alert?: string; record?: string })?.alert ?? (rawRule as { record?: string })?.record ?? `#${ri + 1}`;
      const r = ruleSchema.safeParse(rawRule);
      if (!r.success) {
        groupOk = false;
        problems.push({ code: 'SHOPSCOPE_ERR_RULE_GROUP_INVALID', file, group: g.name, rule: ruleName, ...toLineCol(at(ruleNode)), message: zodMessage(r.error) });
        return;
      }
      const exprPosition = at(exprNode ?? ruleNode);
      const key = '';
      if (r.data.record !== undefined) {
        rules.push({ kind: 'record', key, name: r.data.record, index: ri, expr: r.data.expr, labels: r.data.labels ?? {}, exprPosition });
        return;
      }
      try {
        const labels = r.data.labels ?? {};
        const annotations = r.data.annotations ?? {};
        rules.push({
          kind: 'alert', key, name: r.data.alert as string, index: ri, expr: r.data.expr,
          forMs: parseDuration(r.data.for ?? '0'), keepFiringForMs: parseDuration(r.data.keep_firing_for ?? '0'),
          labels, annotations,
          labelTemplates: compileAll(labels), annotationTemplates: compileAll(annotations), exprPosition,
        });
      } catch (err) {
        groupOk = false;
        const code = err instanceof AlertsError && err.code === 'SHOPSCOPE_ERR_RULE_TEMPLATE_INVALID' ? err.code : 'SHOPSCOPE_ERR_RULE_GROUP_INVALID';
        problems.push({ code, file, group: g.name, rule: ruleName, ...toLineCol(at(ruleNode)), message: (err as Error).message });
      }
    });
    if (!groupOk) return;
    assignKeys(file, g.name, rules);
    groups.push({
      file, name: g.name, intervalMs: g.interval ? parseDuration(g.interval) : defaultIntervalMs,
      datasource: (g.datasource ?? 'prometheus') as Datasource, labels: g.labels ?? {}, rules, position: at(groupNode as Node),
    });
  });
  return { groups, problems };
}

/**
 * A rule's identity across reloads and restarts, which its alerts' states hang on: the file, the
 * group, the alert name and the rule's labels, as Prometheus matches rules on reload. Not the
 * position: inserting a rule above others keeps theirs, so nothing resolves and pages again.
 * Rules that share all of these are told apart by their expression, and then by their order.
 */
function assignKeys(file: string, group: string, rules: Rule[]): void {
  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
  const base = (r: Rule) => `${file}::${group}::${r.kind}:${r.name}::${hash(Object.entries(r.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
  const count = (list: string[]) => list.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const bases = rules.map(base);
  const baseCount = count(bases);
  const withExpr = rules.map((r, i) => ((baseCount.get(bases[i] as string) ?? 0) > 1 ? `${bases[i]}::${hash(r.expr)}` : (bases[i] as string)));
  const seen = new Map<string, number>();
  rules.forEach((r, i) => {
    const k = withExpr[i] as string;
    const n = seen.get(k) ?? 0;
    seen.set(k, n + 1);
    (r as { key: string }).key = n === 0 ? k : `${k}::${n + 1}`;
  });
}

function compileAll(map: Record<string, string>): Array<[string, CompiledTemplate]> {
  return Object.entries(map).map(([k, v]) => [k, compileTemplate(v)]);
}

function toLineCol(p: Position): { line: number; column: number } {
  return { line: p.line, column: p.column };
}

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}
