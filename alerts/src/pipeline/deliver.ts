import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { DeliveryError, type SendResult, type Transport } from '../receivers/transport.ts';
import { Faults } from '../state/faults.ts';
import type { Delivery, StateStore, Thread } from '../state/store.ts';

/** How soon a channel is tried again after the state database failed around one of its messages. */
const STATE_RETRY_MS = 1000;

export interface DeliveryOptions {
  /** Messages per second per channel (Slack allows about one). */
  ratePerChannel: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** After this long undelivered, a message is reported as undeliverable (and still retried). */
  undeliverableAfterMs: number;
}

/**
 * The deliver-with-retry stage. It reads the outbox (deliveries table) and sends each channel's
 * messages in order, one at a time, paced to the channel's rate. A retryable failure waits
 * (Retry-After, else exponential backoff) and blocks only that channel; a permanent one is
 * recorded as failed, after a fallback transport was tried. Nothing is dropped: a message
 * leaves the outbox only as sent or failed, and both are listed by the API.
 */
export class DeliveryWorker {
  private readonly channelFreeAt = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly sending = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly reportedUndeliverable = new Set<number>();

  constructor(
    private readonly store: StateStore,
    private readonly transportFor: (receiver: string) => { primary: Transport; fallback?: Transport },
    private readonly options: DeliveryOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly faults: Faults = new Faults(metrics, log),
  ) {}

  start(): void {
    this.stopped = false;
    this.refreshGauges();
    this.schedule(0);
  }

  /** Called after the notify stage enqueued something. */
  nudge(): void {
    if (!this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.allSettled([...this.sending]);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), Math.max(0, delayMs));
    this.timer.unref?.();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = this.now();
    let nextWake = 1000;
    let heads: Delivery[];
    try {
      heads = this.store.headsOfChannels();
    } catch (err) {
      // The outbox cannot be read (disk, I/O): nothing is lost, it is read again shortly.
      this.faults.report('deliver', err);
      this.schedule(STATE_RETRY_MS);
      return;
    }
    for (const head of heads) {
      if (this.inFlight.has(head.channel)) continue;
      const readyAt = Math.max(head.nextAttemptAt, this.channelFreeAt.get(head.channel) ?? 0);
      if (readyAt > now) {
        nextWake = Math.min(nextWake, readyAt - now);
        continue;
      }
      this.inFlight.add(head.channel);
      const p = this.deliver(head)
        .then(
          () => this.faults.recovered('deliver'),
          (err) => {
            // A state write failed around the send: the row says what is known (a `sending` row is
            // looked up in Slack before it is sent again), and the channel waits before the retry.
            this.faults.report('deliver', err);
            this.channelFreeAt.set(head.channel, this.now() + STATE_RETRY_MS);
          },
        )
        .finally(() => {
          this.inFlight.delete(head.channel);
          this.sending.delete(p);
          this.refreshGauges();
          this.schedule(0);
        });
      this.sending.add(p);
    }
    this.schedule(nextWake);
  }

  private async deliver(d: Delivery): Promise<void> {
    const thread = this.store.getThread(d.threadId);
    if (!thread) {
      this.store.markFailed(d.id, 'thread missing', this.now());
      return;
    }
    const { primary, fallback } = this.transportFor(d.receiver);
    if (d.status === 'sending' && primary.findDelivered) {
      // The last attempt may have reached the receiver (a crash, a timeout, a 5xx): ask before sending twice.
      let ts: string | undefined;
      try {
        ts = await primary.findDelivered(d, thread);
      } catch (err) {
        // Slack down: check again later. Slack refusing the check (scope): send, a duplicate beats a lost page.
        if (!(err instanceof DeliveryError) || err.retryable) return this.failed(d, primary, fallback, thread, err, true);
        this.log.warn(
          { event: 'alert.recovery_unchecked', delivery: d.id, error: err.message },
          'cannot check whether an interrupted message reached Slack: sending it again',
        );
      }
      if (ts) {
        this.log.info({ event: 'alert.delivery_found', delivery: d.id, ts }, 'the message had reached Slack: recorded, not sent again');
        this.succeeded(d, primary, { ts });
        return;
      }
    }
    this.store.markSending(d.id);
    let result: SendResult;
    try {
      result = await primary.send(d, thread);
    } catch (err) {
      return this.failed(d, primary, fallback, thread, err, false);
    }
    if (result.note) this.log.warn({ event: 'alert.delivery_degraded', delivery: d.id, channel: d.channel }, result.note);
    this.succeeded(d, primary, result);
  }

  private async failed(
    d: Delivery,
    primary: Transport,
    fallback: Transport | undefined,
    thread: Thread,
    err: unknown,
    checkFailed: boolean,
  ): Promise<void> {
    const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), true, undefined, true);
    this.metrics.notificationsFailed.inc({ receiver: d.receiver, transport: primary.kind, retryable: String(e.retryable) });
    const now = this.now();
    if (!e.retryable) {
      if (fallback && (await this.tryFallback(d, fallback, thread, e))) return;
      this.store.markFailed(d.id, e.message, now);
      this.log.error(
        { event: 'alert.undeliverable', delivery: d.id, channel: d.channel, receiver: d.receiver, error: e.message },
        'notification refused for good: fix the receiver',
      );
      return;
    }
    const backoff = Math.min(this.options.backoffMaxMs, this.options.backoffInitialMs * 2 ** Math.min(d.attempts, 20));
    const waitMs = e.retryAfterMs ?? backoff;
    const undeliverable = now - d.createdAt >= this.options.undeliverableAfterMs;
    // Still unknown whether it arrived: the next attempt looks for it first.
    this.store.markRetry(d.id, now + waitMs, e.message, undeliverable ? now : null, checkFailed || e.ambiguous);
    this.channelFreeAt.set(d.channel, now + waitMs);
    if (undeliverable && !this.reportedUndeliverable.has(d.id)) {
      this.reportedUndeliverable.add(d.id);
      this.log.error(
        {
          event: 'alert.undeliverable',
          delivery: d.id,
          channel: d.channel,
          receiver: d.receiver,
          error: e.message,
          waitingMs: now - d.createdAt,
        },
        'notification still undelivered: retrying',
      );
    } else {
      this.log.warn(
        { event: 'alert.delivery_retry', delivery: d.id, channel: d.channel, error: e.message, retryInMs: waitMs },
        'notification delayed',
      );
    }
  }

  private async tryFallback(d: Delivery, fallback: Transport, thread: Thread, cause: DeliveryError): Promise<boolean> {
    let result: SendResult;
    try {
      result = await fallback.send(d, thread);
    } catch {
      return false;
    }
    this.store.markSent(d.id, result.ts, this.now());
    this.metrics.notificationsSent.inc({ receiver: d.receiver, transport: fallback.kind, kind: d.kind });
    this.log.warn({ event: 'alert.fallback', delivery: d.id, error: cause.message }, `delivered through the ${fallback.kind} fallback`);
    return true;
  }

  private succeeded(d: Delivery, transport: Transport, result: { ts: string | null; channelId?: string | null }): void {
    const now = this.now();
    // Paced even when the record below fails: the message did go out.
    this.channelFreeAt.set(d.channel, now + 1000 / this.options.ratePerChannel);
    this.store.transaction(() => {
      this.store.markSent(d.id, result.ts, now);
      if (d.kind === 'post' && result.ts) this.store.setThreadMessage(d.threadId, result.ts, result.channelId ?? null);
    });
    this.metrics.notificationsSent.inc({ receiver: d.receiver, transport: transport.kind, kind: d.kind });
  }

  private refreshGauges(): void {
    let c: ReturnType<StateStore['countDeliveries']>;
    try {
      c = this.store.countDeliveries();
    } catch (err) {
      this.faults.report('deliver', err);
      return;
    }
    this.metrics.notificationsPending.set(c.pending + c.sending);
    this.metrics.notificationsUndeliverable.set(c.undeliverable);
  }
}
