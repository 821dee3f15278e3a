import type { Delivery, Thread } from '../state/store.ts';

/**
 * A way to put a message in front of people. It says whether a failure is worth retrying
 * (`DeliveryError.retryable`) and how long to wait; the delivery stage decides what to do.
 */
export interface Transport {
  readonly kind: 'slack' | 'webhook' | 'log';
  send(delivery: Delivery, thread: Thread): Promise<{ ts: string | null; channelId?: string | null }>;
  /** After a crash mid-send: was this delivery already accepted? Returns its ts if so. */
  findDelivered?(delivery: Delivery, thread: Thread): Promise<string | undefined>;
}

export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryable: boolean, retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

/** What a delivery's payload holds: the message to post, or update and reply. */
export interface DeliveryPayload {
  text: string;
  blocks: unknown[];
}
