import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errors.ts';

// The README's table of error codes and src/errors.ts must say the same.
describe('error codes', () => {
  it('are documented in the README exactly as defined', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = Object.fromEntries([...readme.matchAll(/^\| `(SHOPSCOPE_ERR_[A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]));
    expect(documented).toEqual({ ...errorCodes });
  });

  it('are each used by the code', () => {
    const sources = [
      'errors.ts',
      'rules/parse.ts',
      'rules/types.ts',
      'policy/policy.ts',
      'policy/matchers.ts',
      'slo/schema.ts',
      'options.ts',
      'pipeline/silence.ts',
      'query/instant-query.ts',
      'http/server.ts',
      'http/access.ts',
      'rules/promtool-test.ts',
      'rules/template.ts',
      'rules/promql-check.ts',
      'rules/duration.ts',
    ]
      .map((f) => readFileSync(new URL(`../src/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    for (const code of Object.keys(errorCodes)) expect(sources.split(code).length - 1, code).toBeGreaterThan(1);
  });
});
