import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { errorCodes } from '../../src/shared/errors.ts';

// The README's error table and the code's table must say the same thing.
describe('error codes', () => {
  it('are documented in the README with their HTTP status', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const documented = new Map<string, number>();
    for (const match of readme.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)) documented.set(match[1]!, Number(match[2]));
    expect(Object.fromEntries(documented)).toEqual(errorCodes);
  });
});
