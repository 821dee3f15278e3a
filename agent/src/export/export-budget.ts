import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { warn } from '../safety/warn.ts';
import { describe } from '../safety/safe-call.ts';

// Bounds what the agent holds for export, per signal, whatever the collector does. An item
// (span or log record) takes a slot when it is handed to the OTLP sender and gives it back
// when its export ends, successfully or not; with every slot taken, new items are dropped at
// the door and counted. So the agent never holds more than `limit` items of a signal, queued
// or in flight.

export type Signal = 'spans' | 'logs';
export type DropReason = 'queue_full' | 'export_failed';
export type DropCounter = (signal: Signal, count: number, reason: DropReason) => void;

export class ExportBudget {
  private pending = 0;

  constructor(
    readonly signal: Signal,
    readonly limit: number,
    private readonly onDrop: DropCounter,
  ) {}

  get inUse(): number {
    return this.pending;
  }

  /** Takes a slot; false means the item must be dropped (already counted). */
  admit(): boolean {
    if (this.pending >= this.limit) {
      this.onDrop(this.signal, 1, 'queue_full');
      warn(
        'SHOPSCOPE_ERR_QUEUE_FULL',
        `${this.signal} export queue full (${this.limit} items); dropping new ${this.signal}`,
        `queue:${this.signal}`,
      );
      return false;
    }
    this.pending += 1;
    return true;
  }

  /** Gives back the slots of `count` items whose export ended; failures are counted. */
  release(count: number, result: ExportResult): void {
    this.pending = Math.max(0, this.pending - count);
    if (result.code !== ExportResultCode.SUCCESS) {
      this.onDrop(this.signal, count, 'export_failed');
      const reason = result.error ? describe(result.error) : 'unknown error';
      warn('SHOPSCOPE_ERR_EXPORT_FAILED', `${count} ${this.signal} not exported: ${reason}`, `export:${this.signal}`);
    }
  }
}
