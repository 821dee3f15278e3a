import type { CompiledTemplate } from './template.ts';

/** The query language of a group: PromQL on Prometheus, or LogsQL on VictoriaLogs. */
export type Datasource = 'prometheus' | 'victorialogs';

export interface Position {
  line: number;
  column: number;
}

export interface AlertRule {
  kind: 'alert';
  /** Stable across reloads and moves within the file: file, group, alert name and labels (parse.ts). */
  key: string;
  name: string;
  index: number;
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
  labelTemplates: ReadonlyArray<[string, CompiledTemplate]>;
  annotationTemplates: ReadonlyArray<[string, CompiledTemplate]>;
  exprPosition: Position;
}

export interface RecordingRule {
  kind: 'record';
  key: string;
  name: string;
  index: number;
  expr: string;
  labels: Readonly<Record<string, string>>;
  exprPosition: Position;
}

export type Rule = AlertRule | RecordingRule;

export interface RuleGroup {
  file: string;
  name: string;
  intervalMs: number;
  datasource: Datasource;
  labels: Readonly<Record<string, string>>;
  rules: readonly Rule[];
  position: Position;
}

export interface RuleProblem {
  code:
    | 'SHOPSCOPE_ERR_RULE_FILE_UNREADABLE'
    | 'SHOPSCOPE_ERR_RULE_GROUP_INVALID'
    | 'SHOPSCOPE_ERR_RULE_EXPR_INVALID'
    | 'SHOPSCOPE_ERR_RULE_TEMPLATE_INVALID';
  file: string;
  group?: string;
  rule?: string;
  line?: number;
  column?: number;
  message: string;
}

export function formatProblem(p: RuleProblem): string {
  const where = `${p.file}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}`;
  const group = p.group !== undefined ? ` group "${p.group}"` : '';
  const rule = p.rule !== undefined ? ` rule "${p.rule}"` : '';
  return `${where}:${group}${rule} ${p.message} [${p.code}]`;
}
