import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { AlertsError } from '../errors.ts';
import { parseDuration } from './duration.ts';
import { compileTemplate, type CompiledTemplate } from './template.ts';
import type { Datasource, Position, Rule, RuleGroup, RuleProblem } from './types.ts';

const DATASOURCES = ['prometheus', 'victorialogs'] as const;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const labelMap = z.record(z.string().regex(LABEL_NAME, 'label names match [a-zA-Z_][a-zA-Z0-9_]*'), z.coerce.string());
// YAML reads a bare `0` as a number; Prometheus reads it as the duration "0".
const duration = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string().refine((s) => {
    try {
      parseDuration(s);
      return true;
    } catch {
      return false;
    }
  }, 'not a duration (e.g. 30s, 5m)'),
);
/** The shortest group interval: below it a group would be re-run in a busy loop. */
const MIN_INTERVAL_MS = 1000;
const interval = duration.refine((s) => {
  try {
    return parseDuration(s as string) >= MIN_INTERVAL_MS;
  } catch {
    return true;
  }
}, 'interval must be at least 1s');

const ruleSchema = z
  .strictObject({
    alert: z.string().min(1).optional(),
    record: z
      .string()
      .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'record must be a metric name')
      .optional(),
    expr: z.string().min(1, 'expr is empty'),
    for: duration.optional(),
    keep_firing_for: duration.optional(),
    labels: labelMap.optional(),
    annotations: labelMap.optional(),
  })
  .refine((r) => (r.alert === undefined) !== (r.record === undefined), 'a rule has exactly one of alert or record')
  .refine(
    (r) => r.record === undefined || (r.for === undefined && r.keep_firing_for === undefined && r.annotations === undefined),
    'a recording rule has no for, keep_firing_for or annotations',
  );

const groupSchema = z.strictObject({
  name: z.string().min(1, 'group name is empty'),
  interval: interval.optional(),
  datasource: z.enum(DATASOURCES, `must be one of ${DATASOURCES.join(', ')}`).optional(),
  labels: labelMap.optional(),
  rules: z.array(z.unknown()),
});

/** Where a problem is reported: the file, a node's line and column, the list it joins. */
interface FileContext {
  file: string;
  at: (node: Node | null | undefined) => Position;
  problems: RuleProblem[];
}

/**
 * Parses one rule file in stages: the YAML document, its top level, each group, each rule. Every
 * group is checked on its own: a bad group is a problem, the rest still load.
 */
export function parseRuleFile(file: string, defaultIntervalMs: number, text?: string): { groups: RuleGroup[]; problems: RuleProblem[] } {
  const read = readDocument(file, text);
  if ('problems' in read) return { groups: [], problems: read.problems };
  const ctx: FileContext = { file, at: read.at, problems: [] };
  const groupsNode = topLevelGroups(ctx, read.doc.contents);
  if (!groupsNode) return { groups: [], problems: ctx.problems };
  const groups: RuleGroup[] = [];
  const seen = new Set<string>();
  groupsNode.items.forEach((groupNode, gi) => {
    const group = parseGroup(ctx, groupNode as Node, read.json?.groups?.[gi] ?? null, gi, seen, defaultIntervalMs);
    if (group) groups.push(group);
  });
  return { groups, problems: ctx.problems };
}

type ReadDocument = { doc: Document.Parsed; json: { groups?: unknown[] } | null; at: FileContext['at'] } | { problems: RuleProblem[] };

/** The file's text as a YAML document, and its values with anchors and aliases resolved. */
function readDocument(file: string, text: string | undefined): ReadDocument {
  let source: string;
  try {
    source = text ?? readFileSync(file, 'utf8');
  } catch (err) {
    return { problems: [{ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file, message: (err as Error).message }] };
  }
  const lines = new LineCounter();
  // `merge: true`: `<<: *base` merge keys (YAML 1.1), as Prometheus's YAML reader accepts them.
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return {
          code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE',
          file,
          line: pos.line,
          column: pos.col,
          message: `YAML: ${e.message.split('\n')[0]}`,
        };
      }),
    };
  }
  // The values come from the whole document, where anchors and aliases resolve (a node alone
  // cannot see its aliases' anchors); the nodes still give the line and column of each problem.
  try {
    const json = doc.toJS({ maxAliasCount: 1000 }) as { groups?: unknown[] } | null;
    const at = (node: Node | null | undefined): Position => {
      const p = lines.linePos(node?.range?.[0] ?? 0);
      return { line: p.line, column: p.col };
    };
    return { doc, json, at };
  } catch (err) {
    return { problems: [{ code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE', file, message: `YAML: ${(err as Error).message}` }] };
  }
}

/** The `groups` list of a rule file (a map with nothing else); none for an empty file or a wrong shape. */
function topLevelGroups(ctx: FileContext, root: unknown): YAMLSeq | undefined {
  const groupsNode = isMap(root) ? root.get('groups', true) : undefined;
  if (!isMap(root) || !isSeq(groupsNode)) {
    if (root === null || (isMap(root) && root.items.length === 0)) return undefined;
    ctx.problems.push({
      code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE',
      file: ctx.file,
      ...ctx.at(root as Node),
      message: 'a rule file is a map with a "groups" list',
    });
    return undefined;
  }
  const unknownTop = root.items.map((i) => String((i.key as { value?: unknown })?.value)).filter((k) => k !== 'groups');
  if (unknownTop.length > 0)
    ctx.problems.push({
      code: 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE',
      file: ctx.file,
      ...ctx.at(root),
      message: `unknown top-level keys: ${unknownTop.join(', ')}`,
    });
  return groupsNode;
}

/** One group: its own fields, then every rule; a group with any bad rule is left out whole. */
function parseGroup(
  ctx: FileContext,
  groupNode: Node,
  raw: unknown,
  gi: number,
  seen: Set<string>,
  defaultIntervalMs: number,
): RuleGroup | undefined {
  const parsed = groupSchema.safeParse(raw);
  const groupName = typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : `#${gi + 1}`;
  if (!parsed.success) {
    ctx.problems.push({
      code: 'SHOPSCOPE_ERR_RULE_GROUP_INVALID',
      file: ctx.file,
      group: groupName,
      ...ctx.at(groupNode),
      message: zodMessage(parsed.error),
    });
    return undefined;
  }
  const g = parsed.data;
  if (seen.has(g.name)) {
    ctx.problems.push({
      code: 'SHOPSCOPE_ERR_RULE_GROUP_INVALID',
      file: ctx.file,
      group: g.name,
      ...ctx.at(groupNode),
      message: 'group name repeated in this file',
    });
    return undefined;
  }
  seen.add(g.name);
  const rulesNode = (groupNode as YAMLMap).get('rules', true);
  const rules = g.rules.map((rawRule, ri) =>
    parseRule(ctx, g.name, isSeq(rulesNode) ? (rulesNode.items[ri] as Node) : undefined, rawRule, ri),
  );
  if (rules.some((r) => r === undefined)) return undefined;
  const good = rules as Rule[];
  assignKeys(ctx.file, g.name, good);
  return {
    file: ctx.file,
    name: g.name,
    intervalMs: g.interval ? parseDuration(g.interval) : defaultIntervalMs,
    datasource: (g.datasource ?? 'prometheus') as Datasource,
    labels: g.labels ?? {},
    rules: good,
    position: ctx.at(groupNode),
  };
}

/** One rule, its durations and templates compiled; none (and a problem) when it is bad. Its key is assigned with its group's. */
function parseRule(ctx: FileContext, group: string, ruleNode: Node | undefined, rawRule: unknown, ri: number): Rule | undefined {
  const exprNode = isMap(ruleNode) ? (ruleNode.get('expr', true) as Node | undefined) : undefined;
  const ruleName = (rawRule as { alert?: string; record?: string })?.alert ?? (rawRule as { record?: string })?.record ?? `#${ri + 1}`;
  const r = ruleSchema.safeParse(rawRule);
  if (!r.success) {
    ctx.problems.push({
      code: 'SHOPSCOPE_ERR_RULE_GROUP_INVALID',
      file: ctx.file,
      group,
      rule: ruleName,
      ...ctx.at(ruleNode),
      message: zodMessage(r.error),
    });
    return undefined;
  }
  const exprPosition = ctx.at(exprNode ?? ruleNode);
  const key = '';
  if (r.data.record !== undefined)
    return { kind: 'record', key, name: r.data.record, index: ri, expr: r.data.expr, labels: r.data.labels ?? {}, exprPosition };
  try {
    const labels = r.data.labels ?? {};
    const annotations = r.data.annotations ?? {};
    return {
      kind: 'alert',
      key,
      name: r.data.alert as string,
      index: ri,
      expr: r.data.expr,
      forMs: parseDuration(r.data.for ?? '0'),
      keepFiringForMs: parseDuration(r.data.keep_firing_for ?? '0'),
      labels,
      annotations,
      labelTemplates: compileAll(labels),
      annotationTemplates: compileAll(annotations),
      exprPosition,
    };
  } catch (err) {
    const code =
      err instanceof AlertsError && err.code === 'SHOPSCOPE_ERR_RULE_TEMPLATE_INVALID' ? err.code : 'SHOPSCOPE_ERR_RULE_GROUP_INVALID';
    ctx.problems.push({ code, file: ctx.file, group, rule: ruleName, ...ctx.at(ruleNode), message: (err as Error).message });
    return undefined;
  }
}

/**
 * A rule's identity across reloads and restarts, which its alerts' states hang on: the file, the
 * group, the alert name and the rule's labels, as Prometheus matches rules on reload. Not the
 * position: inserting a rule above others keeps theirs, so nothing resolves and pages again.
 * Rules that share all of these are told apart by their expression, and then by their order.
 */
function assignKeys(file: string, group: string, rules: Rule[]): void {
  const hash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
  const base = (r: Rule) =>
    `${file}::${group}::${r.kind}:${r.name}::${hash(Object.entries(r.labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
  const count = (list: string[]) => list.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>());
  const bases = rules.map(base);
  const baseCount = count(bases);
  const withExpr = rules.map((r, i) =>
    (baseCount.get(bases[i] as string) ?? 0) > 1 ? `${bases[i]}::${hash(r.expr)}` : (bases[i] as string),
  );
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

function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}
