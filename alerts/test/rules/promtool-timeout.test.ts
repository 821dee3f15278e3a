import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.ts';

// A promtool that never answers (a hung binary, a stuck disk) must not hang loading the rules.
describe('a hung promtool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-hung-promtool-'));
  const path = process.env.PATH;
  beforeAll(() => {
    writeFileSync(join(dir, 'a.rules.yml'), 'groups:\n  - name: a\n    rules: [{ alert: A, expr: up == 0 }]\n');
    writeFileSync(join(dir, 'promtool'), '#!/bin/sh\nexec sleep 8\n');
    chmodSync(join(dir, 'promtool'), 0o755);
    process.env.PATH = `${dir}${delimiter}${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
    rmSync(dir, { recursive: true, force: true });
  });
  it('is given up on after the timeout: the rules load unchecked, saying why', async () => {
    const started = Date.now();
    const loaded = await loadRules([join(dir, 'a.rules.yml')], {
      defaultIntervalMs: 60_000,
      promqlChecker: 'promtool',
      promtoolTimeoutMs: 500,
    });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(loaded.groups.map((g) => g.name)).toEqual(['a']);
    expect(loaded.unchecked).toEqual(['promql']);
    expect(loaded.uncheckedReasons).toEqual(['PromQL: promtool check rules did not answer within 500 ms']);
  });
});
