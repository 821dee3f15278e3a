import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BURN_RATE_ALERTS, burnRateRules } from '../../src/slo/burn-rate-rules.ts';
import { readSloFile, type Slo } from '../../src/slo/schema.ts';

const slo: Slo = {
  name: 'api',
  service: 'gateway',
  objective: 99.9,
  sli: { errors: 'sum(rate(e[$window]))', total: 'sum(rate(t[$window]))' },
};

describe('SLO burn-rate rules', () => {
  it('records the error ratio over every window the alerts use', () => {
    const { groups } = burnRateRules([slo]) as {
      groups: Array<{ name: string; rules: Array<{ record?: string; expr: string; alert?: string; labels: Record<string, string> }> }>;
    };
    const records = groups[0]!.rules;
    expect(records.map((r) => r.record)).toEqual(['5m', '30m', '1h', '6h', '3d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    expect(records[4]?.expr).toBe('(sum(rate(e[3d])))\n/\n(sum(rate(t[3d])))');
    const windows = new Set(BURN_RATE_ALERTS.flatMap((a) => [a.long, a.short]));
    for (const w of windows) expect(records.some((r) => r.record === `slo:sli_error:ratio_rate${w}`)).toBe(true);
  });

  it('pages at 14.4x over 1h and 5m or 6x over 6h and 30m; tickets at 1x over 3d and 6h', () => {
    const { groups } = burnRateRules([slo]) as {
      groups: Array<{ rules: Array<{ alert?: string; expr: string; labels: Record<string, string> }> }>;
    };
    const [page, ticket] = groups[1]!.rules;
    expect(page?.labels).toMatchObject({ severity: 'page', slo: 'api', service: 'gateway' });
    expect(page?.expr).toBe(
      '(slo:sli_error:ratio_rate1h{slo="api"} > (14.4 * 0.001) and slo:sli_error:ratio_rate5m{slo="api"} > (14.4 * 0.001))\nor\n' +
        '(slo:sli_error:ratio_rate6h{slo="api"} > (6 * 0.001) and slo:sli_error:ratio_rate30m{slo="api"} > (6 * 0.001))',
    );
    expect(ticket?.expr).toBe(
      '(slo:sli_error:ratio_rate3d{slo="api"} > (1 * 0.001) and slo:sli_error:ratio_rate6h{slo="api"} > (1 * 0.001))',
    );
  });

  it('refuses a bad SLO file with a clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopscope-slo-'));
    try {
      const file = join(dir, 'slo.yml');
      writeFileSync(file, 'slos:\n  - name: Bad Name\n    service: x\n    objective: 100\n    sli: { errors: "e", total: "t[$window]" }\n');
      expect(() => readSloFile(file)).toThrow(expect.objectContaining({ code: 'SHOPSCOPE_ERR_SLO_INVALID' }));
      expect(() => readSloFile(file)).toThrow(/slos\.0\.name.*slos\.0\.objective.*slos\.0\.sli\.errors: the errors query uses \$window/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
