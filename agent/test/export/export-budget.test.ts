import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
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

  it('gives slots back when a batch is exported, and counts failed batches', () => {
    const { budget, drops } = budgetWithDrops(4);
    let finish: ((r: ExportResult) => void) | undefined;
    const exporter = budget.wrap({ export: (_items: number[], done: (r: ExportResult) => void) => (finish = done), shutdown: async () => {} });
    for (let i = 0; i < 4; i++) budget.admit();
    const results: ExportResult[] = [];
    exporter.export([1, 2], (r) => results.push(r));
    finish!({ code: ExportResultCode.SUCCESS });
    expect(budget.inUse).toBe(2);
    exporter.export([3, 4], (r) => results.push(r));
    finish!({ code: ExportResultCode.FAILED, error: new Error('collector down') });
    expect(budget.inUse).toBe(0);
    expect(drops).toEqual([[2, 'export_failed']]);
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.FAILED]);
  });

  it('turns an exporter that throws into a failed batch, without throwing', () => {
    setWarnSink((line) => warnings.push(line));
    const { budget, drops } = budgetWithDrops(10);
    const exporter = budget.wrap({
      export: (_items: number[], _done: (r: ExportResult) => void): void => {
        throw new Error('exporter bug');
      },
      shutdown: async () => {},
    });
    budget.admit();
    let result: ExportResult | undefined;
    expect(() => exporter.export([1], (r) => (result = r))).not.toThrow();
    expect(result?.code).toBe(ExportResultCode.FAILED);
    expect(budget.inUse).toBe(0);
    expect(drops).toEqual([[1, 'export_failed']]);
    expect(warnings.some((w) => w.includes('SHOPSCOPE_ERR_EXPORT_FAILED') && w.includes('exporter bug'))).toBe(true);
  });

  it('ignores a second callback for the same batch', () => {
    const { budget } = budgetWithDrops(10);
    const exporter = budget.wrap({
      export: (_items: number[], done: (r: ExportResult) => void) => {
        done({ code: ExportResultCode.SUCCESS });
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {},
    });
    budget.admit();
    budget.admit();
    exporter.export([1], () => {});
    expect(budget.inUse).toBe(1);
  });
});
