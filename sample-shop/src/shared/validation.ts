import type { z } from 'zod';
import { ShopError } from './errors.ts';

/** Parses with a zod schema; a failure becomes one 400 naming the first bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join('.') || what,
    message: issue.message,
  }));
  const first = issues[0];
  throw new ShopError('invalid_request', first ? `${what}: ${first.path} ${first.message}` : `invalid ${what}`, issues);
}
