import type { Logger } from 'pino';
import type { Delivery } from '../../state/store.ts';
import type { DeliveryPayload, Transport } from '../transport.ts';

/** Without a Slack token (the demo default) a page is a log line, and it is listed by GET /api/notifications. */
export class LogTransport implements Transport {
  readonly kind = 'log' as const;
  constructor(private readonly log: Logger) {}

  async send(d: Delivery): Promise<{ ts: string | null }> {
    const payload = d.payload as DeliveryPayload;
    this.log.warn({ event: 'alert.page', channel: d.channel, kind: d.kind, reason: d.reason, delivery: d.id }, payload.text);
    return { ts: `log-${d.id}` };
  }
}
