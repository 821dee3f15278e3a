import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { AlertsError } from '../errors.ts';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const sloSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'SLO names are lower-case words joined by "-"'),
  description: z.string().optional(),
  service: z.string().min(1),
  objective: z.number().gt(0).lt(100),
  sli: z.strictObject({
    errors: z.string().includes('$window', { message: 'the errors query uses $window' }),
    total: z.string().includes('$window', { message: 'the total query uses $window' }),
  }),
  labels: z.record(z.string().regex(LABEL_NAME), z.string()).optional(),
  annotations: z.record(z.string().regex(LABEL_NAME), z.string()).optional(),
});

export const sloFileSchema = z
  .strictObject({ slos: z.array(sloSchema).min(1) })
  .refine((f) => new Set(f.slos.map((s) => s.name)).size === f.slos.length, 'SLO names are unique');

export type Slo = z.infer<typeof sloSchema>;

export function readSloFile(path: string): Slo[] {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new AlertsError('SHOPSCOPE_ERR_SLO_INVALID', `${path}: ${(err as Error).message}`);
  }
  const result = sloFileSchema.safeParse(raw);
  if (!result.success) {
    const why = result.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
    throw new AlertsError('SHOPSCOPE_ERR_SLO_INVALID', `${path}: ${why}`);
  }
  return result.data.slos;
}
