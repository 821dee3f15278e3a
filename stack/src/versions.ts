// The pinned versions (stack/versions.json), checked once when first read.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StackError } from './errors.ts';

const schema = z.object({
  go: z.object({ minimum: z.string().regex(/^\d+\.\d+$/) }),
  collector: z.object({
    version: z.string(),
    builder: z.string().includes('@'),
    componentsVersion: z.string(),
    providersVersion: z.string(),
    manifest: z.string(),
  }),
  jaeger: z.object({
    version: z.string().regex(/^v\d+\.\d+\.\d+$/),
    module: z.string(),
    package: z.string(),
    /** Replace directives of the module's own go.mod, repeated in the wrapper module (old => new@version). */
    replace: z.record(z.string(), z.string().includes('@')),
  }),
  victorialogs: z.object({ version: z.string().regex(/^v\d+\.\d+\.\d+$/), package: z.string() }),
  prometheus: z.object({ version: z.string(), debianPackage: z.string(), binaries: z.array(z.string()).min(1) }),
  kafka: z.object({
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    /** Maven coordinates, group:artifact:version; their dependencies come along. */
    artifacts: z.array(z.string().regex(/^[\w.-]+:[\w.-]+:[\w.-]+$/)).min(1),
  }),
});

export type Versions = z.infer<typeof schema>;

export const versionsFile = fileURLToPath(new URL('../versions.json', import.meta.url));

let cached: Versions | undefined;

export function loadVersions(): Versions {
  if (cached) return cached;
  const parsed = schema.safeParse(JSON.parse(readFileSync(versionsFile, 'utf8')));
  if (!parsed.success) {
    throw new StackError('SHOPSCOPE_ERR_CONFIG_INVALID', `${versionsFile} is not valid: ${z.prettifyError(parsed.error)}`);
  }
  cached = Object.freeze(parsed.data);
  return cached;
}
