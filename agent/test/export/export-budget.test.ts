import { ExportResultCode } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportBudget, type DropReason } from '../../src/export/export-budget.ts';
import { setWarnSink } from '../../src/safety/warn.ts';

const warnings: string[] = [];
beforeAll(() => setWarnSink((line) => warnings.push(line)));
afterAll(() => setWarnSink((line) => void process.stderr.write(line)));

function budgetWithDrops(limit: number): { budget: ExportBudget; drops: Array<[number, DropReason]> } {
  const drops: Array<[number, DropReason]> = [];
  return { budget: new ExportBudget('spans', limit, (_s, n, reason) => drops.push([n, reason])), drops };
}

describe('ExportBudget', () => {
  it('admits up to the limit, then drops and counts', () => {
    const { budget, drops } = budgetWithDrops(3);
    expect([budget.admit(), budget.admit(), budget.admit(), budget.admit()]).toEqual([true, true, true, false]);
    expect(budget.inUse).toBe(3);
    expect(drops).toEqual([[1, 'queue_full']]);
  });

  it('gives slots back when a batch has been sent, and counts and reports failed batches', () => {
    const { budget, drops } = budgetWithDrops(4);
    for (let i = 0; i < 4; i++) budget.admit();
    budget.release(2, { code: ExportResultCode.SUCCESS });
    expect(budget.inUse).toBe(2);
    expect(drops).toEqual([]);
    budget.release(2, { code: ExportResultCode.FAILED, error: new Error('collector down') });
    expect(budget.inUse).toBe(0);
    expect(drops).toEqual([[2, 'export_failed']]);
    expect(warnings.some((w) => w.includes('SHOPSCOPE_ERR_EXPORT_FAILED') && w.includes('collector down'))).toBe(true);
  });

  it('never goes below zero slots in use', () => {
    const { budget } = budgetWithDrops(2);
    budget.admit();
    budget.release(5, { code: ExportResultCode.SUCCESS });
    expect(budget.inUse).toBe(0);
    expect([budget.admit(), budget.admit(), budget.admit()]).toEqual([true, true, false]);
  });
});
