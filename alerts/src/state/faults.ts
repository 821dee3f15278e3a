import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { isStoreError } from './store.ts';

/**
 * The evaluator's own faults (disk full, I/O errors, a bug in a stage): each is counted in
 * `shopscope_alerts_state_errors_total{stage}` when it comes from the state database, logged
 * once per run of failures, and retried by its stage. None may end the process: a pager that
 * exits on a full disk pages nobody.
 */
export class Faults {
  private readonly failing = new Set<string>();
  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  report(stage: string, err: unknown): void {
    const store = isStoreError(err);
    if (store) this.metrics.stateErrors.inc({ stage });
    if (this.failing.has(stage)) return;
    this.failing.add(stage);
    const message = (err as Error)?.message ?? String(err);
    if (store)
      this.log.error(
        { event: 'alert.state_error', stage, code: (err as { code?: string }).code, error: message },
        `state database failed in ${stage}: retrying`,
      );
    else this.log.error({ event: 'alert.internal_error', stage, err }, `unexpected error in ${stage}: retrying`);
  }

  recovered(stage: string): void {
    if (this.failing.delete(stage)) this.log.info({ event: 'alert.state_recovered', stage }, `${stage} works again`);
  }
}
