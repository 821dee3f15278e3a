import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Schedule } from '../shared/schedule.ts';
import { telemetry } from '../shared/telemetry.ts';
import { SETTLEMENT_JOB, settle, yesterday, type SettlementDeps, type SettlementSummary } from './settlement.ts';

export type SettlementResult =
  | { job: typeof SETTLEMENT_JOB; runId: string; day: string; status: 'success'; summary: SettlementSummary }
  | { job: typeof SETTLEMENT_JOB; runId: string; day: string; status: 'failure'; error: { code: string; message: string } };

/**
 * The settlement job of the orders service: scheduled by croner (UTC, `protect`: a tick that
 * comes while a run is going is skipped) and run by hand through the admin route. Runs never
 * overlap: a run by hand waits for the one in progress. The schedule is unnamed: croner keeps
 * named jobs in one process-wide list, and a second orders app in one process (tests) would clash.
 */
export class SettlementJob {
  private tail: Promise<unknown> = Promise.resolve();
  private cron: Cron | undefined;

  constructor(private readonly deps: SettlementDeps) {}

  /** Settles `day`; resolves with the outcome (a failed run is a result, not a rejection). */
  run(day: string, trigger: 'schedule' | 'manual'): Promise<SettlementResult> {
    const next = this.tail.then(() => this.runNow(day, trigger));
    this.tail = next;
    return next;
  }

  /** Declares the job (its series at zero, so a first failed run is an increase) and schedules it. */
  start(schedule: Schedule | undefined): this {
    if (this.cron) return this;
    telemetry.declareJob(SETTLEMENT_JOB, schedule ? { periodSeconds: schedule.periodSeconds } : {});
    if (!schedule) return this;
    this.cron = new Cron(schedule.pattern, { timezone: 'UTC', protect: true }, async () => {
      await this.run(yesterday(), 'schedule');
    });
    return this;
  }

  /** Stops the schedule and waits for a run in progress. */
  async stop(): Promise<void> {
    this.cron?.stop();
    this.cron = undefined;
    await this.tail;
  }

  private async runNow(day: string, trigger: 'schedule' | 'manual'): Promise<SettlementResult> {
    const runId = randomUUID();
    try {
      const summary = await telemetry.runJob(SETTLEMENT_JOB, (run) => settle(this.deps, run, day), { runId, trigger });
      return { job: SETTLEMENT_JOB, runId, day, status: 'success', summary };
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const error = { code: typeof code === 'string' ? code : 'internal_error', message: err instanceof Error ? err.message : String(err) };
      return { job: SETTLEMENT_JOB, runId, day, status: 'failure', error };
    }
  }
}
