import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../src/errors.ts';

describe('error codes', () => {
  it('are the ones README.md documents, no more and no fewer', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const documented = new Set(readme.match(/SHOPSCOPE_ERR_[A-Z_]+/g) ?? []);
    expect([...documented].sort()).toEqual(Object.keys(errorCodes).sort());
  });
});
