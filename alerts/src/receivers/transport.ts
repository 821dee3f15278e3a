import type { Delivery, Thread } from '../state/store.ts';

/**
 * A way to put a message in front of people. It says whether a failure is worth retrying
 * (`DeliveryError.retryable`) and how long to wait; the delivery stage decides what to do.
 */
export interface Transport {
  readonly kind: 'slack' | 'webhook' | 'log';
  send(delivery: Delivery, thread: Thread): Promise<SendResult>;
  /** After a crash mid-send: was this delivery already accepted? Returns its ts if so. */
  findDelivered?(delivery: Delivery, thread: Thread): Promise<string | undefined>;
}

export interface SendResult {
  ts: string | null;
  channelId?: string | null;
  /** Something worth a warning although the message went out (sent as plain text, say). */
  note?: string;
}

export class DeliveryError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  /**
   * The receiver may have acted on the request although the answer was a failure (a timeout, a
   * 5xx, Slack's `internal_error`): the next attempt must first look for the message.
   */
  readonly ambiguous: boolean;
  constructor(message: string, retryable: boolean, retryAfterMs?: number, ambiguous = false) {
    super(message);
    this.name = 'DeliveryError';
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
    this.ambiguous = ambiguous;
  }
}

/** What a delivery's payload holds: the message to post, or update and reply. */
export interface DeliveryPayload {
  text: string;
  blocks: unknown[];
}
