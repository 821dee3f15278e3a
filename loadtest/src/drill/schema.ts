// A drill file: what steady state looks like, the fault, the page it must cause and how soon,
// the rollback, and how soon the page must resolve. Read once, checked whole: a bad file is one
// clear error line, never a half-run drill.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { flagSchema } from '@shopscope/sample-shop';

export const STACK_BACK_ENDS = ['collector', 'jaeger', 'victorialogs', 'prometheus', 'kafka'] as const;

/** The shop's fault flags (the shop's own flag schema): a drill may set only these. */
const FLAG_NAMES = Object.keys(flagSchema.shape);
const flagPatch = flagSchema
  .partial()
  .strict()
  .refine((flags) => Object.keys(flags).length > 0, 'names no flag');

const promqlCheck = z
  .object({
    name: z.string().min(1),
    promql: z.string().min(1),
    /** The query's largest value must stay at or under this; an empty result counts as 0. */
    atMost: z.number().optional(),
    /** ... and at or over this (an empty result fails it). */
    atLeast: z.number().optional(),
  })
  .strict();

const httpCheck = z
  .object({
    name: z.string().min(1),
    /** A path on the gateway (`/api/products`) or a whole URL on 127.0.0.1. */
    http: z.string().min(1),
    status: z.number().int().min(100).max(599).default(200),
  })
  .strict();

const seconds = z.number().positive().max(3600);

const faultSchema = z.union([z.object({ flags: flagPatch }).strict(), z.object({ stop: z.enum(STACK_BACK_ENDS) }).strict()]);

export const rollbackSchema = z.union([z.object({ flags: flagPatch }).strict(), z.object({ start: z.enum(STACK_BACK_ENDS) }).strict()]);

export const drillSchema = z
  .object({
    description: z.string().min(1),
    steadyState: z.array(z.union([promqlCheck, httpCheck])).default([]),
    load: z
      .object({
        /** New shoppers a second while the drill runs (Artillery's arrival rate). */
        arrivalRate: z.number().positive().max(200).default(4),
        /** When set, the drill fails if more of the load's requests than this fail (the shop must stay unharmed). */
        maxErrorRatio: z.number().min(0).max(1).optional(),
      })
      .strict()
      .default({ arrivalRate: 4 }),
    fault: faultSchema,
    expect: z
      .object({
        alert: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an alert name'),
        maxTimeToPageSeconds: seconds,
      })
      .strict(),
    rollback: rollbackSchema,
    maxTimeToResolveSeconds: seconds,
    /** Prometheus series drawn in the report, beside the fault and page markers. */
    graphs: z
      .array(z.object({ title: z.string().min(1), promql: z.string().min(1), unit: z.string().optional() }).strict())
      .min(1)
      .max(6),
  })
  .strict();

export type Drill = z.infer<typeof drillSchema> & { name: string };
export type DrillFault = Drill['fault'];
export type DrillRollback = Drill['rollback'];
export type SteadyStateCheck = Drill['steadyState'][number];

export class DrillFileError extends Error {}

/** Parses a drill's YAML text; any problem is one DrillFileError naming the file and the field. */
export function parseDrill(name: string, text: string): Drill {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new DrillFileError(`drill ${name}: not valid YAML${where}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new DrillFileError(`drill ${name}: the file must be a YAML mapping`);
  const result = drillSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.') || '(top level)';
    throw new DrillFileError(`drill ${name}: ${path}: ${describeIssue(issue)}`);
  }
  return { ...result.data, name };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union') {
    const kinds =
      issue.path[0] === 'rollback' ? 'flags: {<flag>: <value>} or start: <back end>' : 'flags: {<flag>: <value>} or stop: <back end>';
    return `unknown ${String(issue.path[0] ?? 'value')}: expected ${kinds}, flags among ${FLAG_NAMES.join(', ')}, back ends among ${STACK_BACK_ENDS.join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is missing';
  return issue.message;
}

export function readDrillFile(path: string): Drill {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DrillFileError(`drill ${basename(path)}: cannot read ${path}`);
  }
  return parseDrill(basename(path).replace(/\.ya?ml$/, ''), text);
}
