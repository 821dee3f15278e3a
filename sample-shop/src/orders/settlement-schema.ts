import type { Db } from '../shared/db.ts';

/** One row per settled day (UTC `YYYY-MM-DD`); rerunning a day replaces its row. */
export interface SettlementReportRow {
  day: string;
  run_id: string;
  orders_count: number;
  confirmed_total_cents: number;
  payments_count: number;
  approved_amount_cents: number;
  /** JSON: `[{status, currency, count, totalCents}]` */
  orders_by_status: string;
  /** JSON: `[{status, currency, count, amountCents}]` */
  payments_by_status: string;
  created_at: number;
}

export async function migrateSettlement(db: Db): Promise<void> {
  await db.exec(`
    CREATE TABLE IF NOT EXISTS settlement_reports (
      day TEXT PRIMARY KEY,
      run_id TEXT NOT NULL,
      orders_count INTEGER NOT NULL,
      confirmed_total_cents BIGINT NOT NULL,
      payments_count INTEGER NOT NULL,
      approved_amount_cents BIGINT NOT NULL,
      orders_by_status TEXT NOT NULL,
      payments_by_status TEXT NOT NULL,
      created_at BIGINT NOT NULL
    );
  `);
}

export async function writeSettlementReport(db: Db, row: SettlementReportRow): Promise<void> {
  const columns = Object.keys(row) as Array<keyof SettlementReportRow>;
  const updates = columns.filter((c) => c !== 'day').map((c) => `${c} = excluded.${c}`);
  await db.run(
    `INSERT INTO settlement_reports (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
     ON CONFLICT (day) DO UPDATE SET ${updates.join(', ')}`,
    columns.map((c) => row[c]),
  );
}

export function loadSettlementReport(db: Db, day: string) {
  return db.get<SettlementReportRow>('SELECT * FROM settlement_reports WHERE day = ?', [day]);
}
