import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestShop, adminToken, type TestShop } from '../support/shop.ts';
import { api } from '../support/client.ts';
import { loadSettlementReport } from '../../src/orders/settlement-schema.ts';
import { yesterday } from '../../src/orders/settlement.ts';

// The settlement job on seeded orders and charges, run by hand through the admin route and by
// `npm run job`, and by its schedule (every second here).

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../scripts/job.mjs', import.meta.url));
const auth = { authorization: `Bearer ${adminToken}` };
const DAY = '2026-03-14';
const at = (day: string, hh: string) => Date.parse(`${day}T${hh}:00:00Z`);

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop({ SHOPSCOPE_SETTLEMENT_SCHEDULE: '* * * * * *' });
  const orders = shop.db('orders');
  const seed: Array<[string, string, number, number]> = [
    // id, status, total, created_at: three orders on DAY, one each side of it
    ['o-1', 'confirmed', 1250, at(DAY, '00')],
    ['o-2', 'confirmed', 750, at(DAY, '23')],
    ['o-3', 'payment_failed', 999, at(DAY, '12')],
    ['o-before', 'confirmed', 100_000, at(DAY, '00') - 1],
    ['o-after', 'confirmed', 100_000, at(DAY, '00') + 86_400_000],
  ];
  for (const [id, status, total, created] of seed) {
    await orders.run(
      `INSERT INTO orders_orders (id, idempotency_key, request_hash, cart_id, email, status, failure_code, total_cents, currency, created_at, updated_at)
       VALUES (?, NULL, 'h', ?, 'a@example.com', ?, NULL, ?, 'EUR', ?, ?)`,
      [id, `cart-${id}`, status, total, created, created],
    );
  }
  const payments = shop.db('payments');
  const charges: Array<[string, string, number, number]> = [
    ['o-1', 'approved', 1250, at(DAY, '00')],
    ['o-2', 'approved', 750, at(DAY, '23')],
    ['o-3', 'declined', 999, at(DAY, '12')],
    ['o-after', 'approved', 100_000, at(DAY, '00') + 86_400_000],
  ];
  for (const [orderId, status, amount, created] of charges) {
    await payments.run(
      `INSERT INTO payments_charges (order_id, amount_cents, currency, card_last4, status, failure_code, created_at, updated_at)
       VALUES (?, ?, 'EUR', '4242', ?, NULL, ?, ?)`,
      [orderId, amount, status, created, created],
    );
  }
});
afterAll(async () => {
  await shop?.flags.update({ settlementFailing: false });
  await shop?.stop();
});

const runNow = (body: unknown, headers = auth) => api(shop.url, 'POST', '/admin/jobs/settlement/run', body, headers);

describe('settlement job', () => {
  it("totals the day's orders and payments by status and currency into one report row", async () => {
    const res = await runNow({ day: DAY });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      job: 'settlement',
      day: DAY,
      status: 'success',
      summary: { day: DAY, orders: 3, confirmedTotalCents: 2000, payments: 3, approvedAmountCents: 2000 },
    });
    const row = (await loadSettlementReport(shop.db('orders'), DAY))!;
    expect(row).toMatchObject({ orders_count: 3, confirmed_total_cents: 2000, payments_count: 3, approved_amount_cents: 2000 });
    expect(row.run_id).toBe(res.body.runId);
    expect(JSON.parse(row.orders_by_status)).toEqual([
      { status: 'confirmed', currency: 'EUR', count: 2, totalCents: 2000 },
      { status: 'payment_failed', currency: 'EUR', count: 1, totalCents: 999 },
    ]);
    expect(JSON.parse(row.payments_by_status)).toEqual([
      { status: 'approved', currency: 'EUR', count: 2, amountCents: 2000 },
      { status: 'declined', currency: 'EUR', count: 1, amountCents: 999 },
    ]);
  });

  it('replaces the day on a rerun: one row, the new run id', async () => {
    const first = await runNow({ day: DAY });
    const second = await runNow({ day: DAY });
    expect(second.body.runId).not.toBe(first.body.runId);
    const rows = await shop.db('orders').all<{ run_id: string }>('SELECT run_id FROM settlement_reports WHERE day = ?', [DAY]);
    expect(rows).toEqual([{ run_id: second.body.runId }]);
  });

  it('fails at its aggregate step while settlementFailing is on, leaving the report as it was', async () => {
    const before = await loadSettlementReport(shop.db('orders'), DAY);
    await shop.flags.update({ settlementFailing: true });
    try {
      const res = await runNow({ day: DAY });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'failure', error: { code: 'injected_fault' } });
      expect(await loadSettlementReport(shop.db('orders'), DAY)).toEqual(before);
    } finally {
      await shop.flags.update({ settlementFailing: false });
    }
  });

  it('refuses a bad day and a missing token', async () => {
    for (const day of ['2026-02-30', '14/03/2026', 20260314]) {
      const res = await runNow({ day });
      expect({ day, status: res.status }).toEqual({ day, status: 400 });
      expect(res.body.error.code).toBe('invalid_request');
    }
    expect((await runNow({ day: DAY }, { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('settles yesterday on its own when the schedule comes round', async () => {
    await vi.waitFor(async () => expect(await loadSettlementReport(shop.db('orders'), yesterday())).toBeDefined(), {
      timeout: 5000,
      interval: 200,
    });
  });
});

describe('npm run job -- settlement', () => {
  const job = (args: string[]) =>
    run(process.execPath, [script, ...args], {
      env: { ...process.env, SHOPSCOPE_GATEWAY_URL: shop.url, SHOPSCOPE_ADMIN_TOKEN: adminToken },
    }).then(
      (out) => ({ code: 0, stdout: out.stdout, stderr: out.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
    );

  it('exits 0 with one summary line when the run succeeds', async () => {
    const out = await job(['settlement', '--day', DAY]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(
      /^job settlement 2026-03-14: success, 3 orders \(confirmed 2000 cents\), 3 payments \(approved 2000 cents\), run [0-9a-f-]{36}\n$/,
    );
  });

  it('exits 1 with the failure when the run fails, or the command is wrong', async () => {
    await shop.flags.update({ settlementFailing: true });
    try {
      const failed = await job(['settlement', '--day', DAY]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/^job settlement 2026-03-14: failure, injected_fault: settlementFailing is on/);
    } finally {
      await shop.flags.update({ settlementFailing: false });
    }
    expect((await job(['nightly'])).code).toBe(1);
    expect((await job(['settlement', '--day', 'tomorrow'])).stderr).toContain('--day must be YYYY-MM-DD');
  });
});
