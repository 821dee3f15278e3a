import { z } from 'zod';
import type { Db } from '../shared/db.ts';
import { ShopError } from '../shared/errors.ts';
import type { FlagStore } from '../shared/flags.ts';
import type { ServiceClient } from '../shared/service-client.ts';
import type { ShopJobRun } from '../shared/telemetry.ts';
import { writeSettlementReport, type SettlementReportRow } from './settlement-schema.ts';

// The nightly settlement: a day's orders (this service's table) and payments (asked of the
// payments service, which owns the charges) counted and summed by status and currency, and
// written as that day's row of settlement_reports. Each part is a step: a span of the run.

export const SETTLEMENT_JOB = 'settlement';

export interface SettlementDeps {
  db: Db;
  payments: ServiceClient;
  flags: FlagStore;
}

export interface OrderTotals {
  status: string;
  currency: string;
  count: number;
  totalCents: number;
}

export interface PaymentTotals {
  status: string;
  currency: string;
  count: number;
  amountCents: number;
}

export interface SettlementSummary {
  day: string;
  orders: number;
  confirmedTotalCents: number;
  payments: number;
  approvedAmountCents: number;
}

/** A UTC calendar day, checked for real (no 2026-02-30). */
export const settlementDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine((day) => {
    const at = Date.parse(`${day}T00:00:00Z`);
    return Number.isFinite(at) && new Date(at).toISOString().startsWith(day);
  }, 'is not a calendar day');

/** The UTC day before `now`: what a scheduled run settles. */
export function yesterday(now = new Date()): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}

function dayBounds(day: string): { from: number; to: number } {
  const from = Date.parse(`${day}T00:00:00Z`);
  return { from, to: from + 86_400_000 };
}

const paymentSummary = z.object({
  groups: z.array(z.object({ status: z.string(), currency: z.string(), count: z.number(), amountCents: z.number() })),
});

export async function settle(deps: SettlementDeps, run: ShopJobRun, day: string): Promise<SettlementSummary> {
  const { from, to } = dayBounds(day);
  const orders = await run.step('load orders', () =>
    deps.db.all<OrderTotals>(
      `SELECT status, currency, COUNT(*) AS count, SUM(total_cents) AS "totalCents" FROM orders_orders
       WHERE created_at >= ? AND created_at < ? GROUP BY status, currency ORDER BY status, currency`,
      [from, to],
    ),
  );
  const payments = await run.step('load payments', async () => {
    const body = await deps.payments.get<unknown>(`/charges/summary?from=${from}&to=${to}`);
    const parsed = paymentSummary.safeParse(body);
    if (!parsed.success) throw new ShopError('upstream_error', 'payments answered a charge summary of the wrong shape');
    return parsed.data.groups;
  });
  const row = await run.step('aggregate', async (): Promise<SettlementReportRow> => {
    if (deps.flags.get().settlementFailing) throw new ShopError('injected_fault', 'settlementFailing is on: the aggregate step fails');
    const sum = <T>(rows: T[], pick: (row: T) => number) => rows.reduce((total, row) => total + pick(row), 0);
    return {
      day,
      run_id: run.runId,
      orders_count: sum(orders, (o) => o.count),
      confirmed_total_cents: sum(
        orders.filter((o) => o.status === 'confirmed'),
        (o) => o.totalCents,
      ),
      payments_count: sum(payments, (p) => p.count),
      approved_amount_cents: sum(
        payments.filter((p) => p.status === 'approved'),
        (p) => p.amountCents,
      ),
      orders_by_status: JSON.stringify(orders),
      payments_by_status: JSON.stringify(payments),
      created_at: Date.now(),
    };
  });
  await run.step('write report', () => writeSettlementReport(deps.db, row));
  run.records(row.orders_count + row.payments_count);
  const summary: SettlementSummary = {
    day,
    orders: row.orders_count,
    confirmedTotalCents: row.confirmed_total_cents,
    payments: row.payments_count,
    approvedAmountCents: row.approved_amount_cents,
  };
  run.log.info({ event: 'settlement.written', ...summary }, `settlement for ${day} written`);
  return summary;
}
