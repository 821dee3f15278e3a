import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errors.ts';

// Every error code in src/errors.ts has a heading in the README, and every documented code
// exists in the code; every code the sources emit is declared.

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const documented = [...readme.matchAll(/^### `(SHOPSCOPE_ERR_[A-Z_]+)`/gm)].map((m) => m[1]);

describe('error codes', () => {
  it('are documented in the README exactly as declared', () => {
    expect(new Set(documented)).toEqual(new Set(Object.keys(errorCodes)));
    expect(documented).toHaveLength(Object.keys(errorCodes).length);
  });

  it('used anywhere in the sources are declared', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(new URL('../src/', import.meta.url), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const used = new Set<string>();
    for (const file of files) {
      for (const m of readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8').matchAll(/SHOPSCOPE_ERR_[A-Z_]+/g)) used.add(m[0]);
    }
    for (const code of used) expect(Object.keys(errorCodes)).toContain(code);
  });
});

describe('environment variables', () => {
  it('read by the config are all documented with a Default line', () => {
    const source = readFileSync(new URL('../src/config/env.ts', import.meta.url), 'utf8');
    const read = new Set([...source.matchAll(/read\('([A-Z_]+)'/g)].map((m) => m[1]!));
    read.add('OTEL_SERVICE_NAME');
    for (const name of read) {
      const heading = readme.split('\n').findIndex((l) => l.startsWith('### ') && l.includes(`\`${name}\``));
      expect(heading, `${name} has a heading`).toBeGreaterThan(-1);
      expect(readme.split('\n')[heading + 1], `${name} has a Default line`).toMatch(/^Default: /);
    }
  });
});
