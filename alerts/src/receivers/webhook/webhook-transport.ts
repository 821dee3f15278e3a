import type { Delivery } from '../../state/store.ts';
import { DeliveryError, type DeliveryPayload, type Transport } from '../transport.ts';

/**
 * A Slack incoming webhook: the fallback when no bot token is set or Slack refuses the bot.
 * A webhook can neither update a message nor thread, so an update or reply becomes a new message.
 */
export class WebhookTransport implements Transport {
  readonly kind = 'webhook' as const;
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly maxRetryAfterMs = 5 * 60_000,
  ) {}

  async send(d: Delivery): Promise<{ ts: string | null }> {
    const payload = d.payload as DeliveryPayload;
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: payload.text, blocks: payload.blocks }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new DeliveryError(`webhook unreachable: ${(err as Error).message}`, true);
    }
    const body = (await response.text()).slice(0, 200);
    if (response.status === 429) {
      const seconds = Number.parseInt(response.headers.get('retry-after') ?? '1', 10);
      throw new DeliveryError(
        'webhook rate limit',
        true,
        Math.min((Number.isNaN(seconds) || seconds < 1 ? 1 : seconds) * 1000, this.maxRetryAfterMs),
      );
    }
    if (response.status >= 500) throw new DeliveryError(`webhook HTTP ${response.status}: ${body}`, true);
    if (!response.ok) throw new DeliveryError(`webhook HTTP ${response.status}: ${body}`, false);
    return { ts: null };
  }
}
