import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import { DeliveryError, type Transport } from '../receivers/transport.ts';
import type { Delivery, StateStore } from '../state/store.ts';

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
  ) {}

  start(): void {
    this.stopped = false;
    this.refreshGauges();
    this.schedule(0);
  }

  /** Called after the notify stage enqueued something. */
  nudge(): void { if (!this.stopped) this.schedule(0); }

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
    for (const head of this.store.headsOfChannels()) {
      if (this.inFlight.has(head.channel)) continue;
      const readyAt = Math.max(head.nextAttemptAt, this.channelFreeAt.get(head.channel) ?? 0);
      if (readyAt > now) { nextWake = Math.min(nextWake, readyAt - now); continue; }
      this.inFlight.add(head.channel);
      const p = this.deliver(head).finally(() => {
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
    if (!thread) { this.store.markFailed(d.id, 'thread missing', this.now()); return; }
    const { primary, fallback } = this.transportFor(d.receiver);
    try {
      if (d.status === 'sending' && primary.findDelivered) {
        // The last attempt was cut short (crash): it may have reached Slack. Ask before sending twice.
        let ts: string | undefined;
        try {
          ts = await primary.findDelivered(d, thread);
        } catch (err) {
          // Slack down: retry the check later. Slack refusing the check (scope): send, a duplicate beats a lost page.
          if (!(err instanceof DeliveryError) || err.retryable) throw err;
          this.log.warn({ event: 'alert.recovery_unchecked', delivery: d.id, error: err.message }, 'cannot check whether an interrupted message reached Slack: sending it again');
        }
        if (ts) { this.succeeded(d, primary, { ts }); return; }
      }
      this.store.markSending(d.id);
      const result = await primary.send(d, thread);
      this.succeeded(d, primary, result);
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(String((err as Error)?.message ?? err), true);
      this.metrics.notificationsFailed.inc({ receiver: d.receiver, transport: primary.kind, retryable: String(e.retryable) });
      const now = this.now();
      if (!e.retryable) {
        if (fallback && (await this.tryFallback(d, fallback, thread, e))) return;
        this.store.markFailed(d.id, e.message, now);
        this.log.error({ event: 'alert.undeliverable', delivery: d.id, channel: d.channel, receiver: d.receiver, error: e.message }, 'notification refused for good: fix the receiver');
        return;
      }
      const backoff = Math.min(this.options.backoffMaxMs, this.options.backoffInitialMs * 2 ** Math.min(d.attempts, 20));
      const waitMs = e.retryAfterMs ?? backoff;
      const undeliverable = now - d.createdAt >= this.options.undeliverableAfterMs;
      this.store.markRetry(d.id, now + waitMs, e.message, undeliverable ? now : null);
      this.channelFreeAt.set(d.channel, now + waitMs);
      if (undeliverable && !this.reportedUndeliverable.has(d.id)) {
        this.reportedUndeliverable.add(d.id);
        this.log.error({ event: 'alert.undeliverable', delivery: d.id, channel: d.channel, receiver: d.receiver, error: e.message, waitingMs: now - d.createdAt }, 'notification still undelivered: retrying');
      } else {
        this.log.warn({ event: 'alert.delivery_retry', delivery: d.id, channel: d.channel, error: e.message, retryInMs: waitMs }, 'notification delayed');
      }
    }
  }

  private async tryFallback(d: Delivery, fallback: Transport, thread: NonNullable<ReturnType<StateStore['getThread']>>, cause: DeliveryError): Promise<boolean> {
    try {
      const result = await fallback.send(d, thread);
      this.store.markSent(d.id, result.ts, this.now());
      this.metrics.notificationsSent.inc({ receiver: d.receiver, transport: fallback.kind, kind: d.kind });
      this.log.warn({ event: 'alert.fallback', delivery: d.id, error: cause.message }, `delivered through the ${fallback.kind} fallback`);
      return true;
    } catch {
      return false;
    }
  }

  private succeeded(d: Delivery, transport: Transport, result: { ts: string | null; channelId?: string | null }): void {
    const now = this.now();
    this.store.transaction(() => {
      this.store.markSent(d.id, result.ts, now);
      if (d.kind === 'post' && result.ts) this.store.setThreadMessage(d.threadId, result.ts, result.channelId ?? null);
    });
    this.channelFreeAt.set(d.channel, now + 1000 / this.options.ratePerChannel);
    this.metrics.notificationsSent.inc({ receiver: d.receiver, transport: transport.kind, kind: d.kind });
  }

  private refreshGauges(): void {
    const c = this.store.countDeliveries();
    this.metrics.notificationsPending.set(c.pending + c.sending);
    this.metrics.notificationsUndeliverable.set(c.undeliverable);
  }
}
