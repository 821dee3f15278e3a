import { ErrorCode, WebClient, type WebAPICallResult } from '@slack/web-api';
import type { Delivery, Thread } from '../../state/store.ts';
import { DeliveryError, type DeliveryPayload, type Transport } from '../transport.ts';

/** Slack errors that no retry can fix: a person has to change the token, the channel or the message. */
const PERMANENT = new Set([
  'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'missing_scope',
  'channel_not_found', 'not_in_channel', 'is_archived', 'invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'no_text',
  'invalid_arguments', 'invalid_metadata_format', 'cant_update_message', 'message_not_found', 'edit_window_closed', 'restricted_action',
]);

const METADATA_EVENT = 'shopscope_alert';

/**
 * Slack through @slack/web-api. The client's own retries are off (retries: 0, rate-limited calls
 * rejected) so the delivery stage alone decides about waiting: one place, deterministic.
 */
export class SlackTransport implements Transport {
  readonly kind = 'slack' as const;
  private readonly client: WebClient;
  /** Channel name → id, learnt from Slack's answers: conversations.* methods take ids only. */
  private readonly channelIds = new Map<string, string>();

  constructor(token: string, slackApiUrl: string | undefined, timeoutMs: number) {
    this.client = new WebClient(token, {
      ...(slackApiUrl ? { slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
      logLevel: undefined,
      logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error' as never, setName() {} },
    });
  }

  async send(d: Delivery, thread: Thread): Promise<{ ts: string | null; channelId?: string | null }> {
    const payload = d.payload as DeliveryPayload;
    const metadata = { event_type: METADATA_EVENT, event_payload: { delivery_id: d.id, group_key: d.groupKey } };
    try {
      if (d.kind === 'update') {
        if (!thread.ts) throw new DeliveryError('the group message was never posted: nothing to update', false);
        await this.client.chat.update({ channel: thread.channelId ?? thread.channel, ts: thread.ts, text: payload.text, blocks: payload.blocks as never });
        return { ts: thread.ts };
      }
      const threadTs = d.kind === 'reply' && thread.ts ? thread.ts : undefined;
      const result = await this.client.chat.postMessage({
        channel: d.kind === 'reply' ? (thread.channelId ?? d.channel) : d.channel,
        text: payload.text, blocks: payload.blocks as never, metadata, unfurl_links: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      const channelId = (result.channel as string | undefined) ?? null;
      if (channelId) this.channelIds.set(d.channel, channelId);
      return { ts: String(result.ts), channelId };
    } catch (err) {
      throw classify(err);
    }
  }

  async findDelivered(d: Delivery, thread: Thread): Promise<string | undefined> {
    if (d.kind === 'update') return undefined; // an update is idempotent: sending it again is harmless
    try {
      const channel = thread.channelId ?? (await this.channelId(d.channel));
      if (!channel) return undefined;
      const result: WebAPICallResult = d.kind === 'reply' && thread.ts
        ? await this.client.conversations.replies({ channel, ts: thread.ts, include_all_metadata: true, limit: 200 })
        : await this.client.conversations.history({ channel, oldest: String(d.createdAt / 1000 - 60), include_all_metadata: true, limit: 200 });
      const messages = ((result as { messages?: unknown[] }).messages ?? []) as Array<{ ts?: string; metadata?: { event_type?: string; event_payload?: { delivery_id?: number } } }>;
      return messages.find((m) => m.metadata?.event_type === METADATA_EVENT && Number(m.metadata.event_payload?.delivery_id) === d.id)?.ts;
    } catch (err) {
      throw classify(err);
    }
  }

  private async channelId(name: string): Promise<string | undefined> {
    const bare = name.replace(/^#/, '');
    if (/^[CGD][A-Z0-9]{6,}$/.test(bare)) return bare;
    const known = this.channelIds.get(name);
    if (known) return known;
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await this.client.conversations.list({ exclude_archived: true, limit: 1000, types: 'public_channel,private_channel', ...(cursor ? { cursor } : {}) });
      const found = (result.channels ?? []).find((c) => c.name === bare);
      if (found?.id) { this.channelIds.set(name, found.id); return found.id; }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return undefined;
  }
}

function classify(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string }; message?: string };
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError(`Slack rate limit (Retry-After ${e.retryAfter}s)`, true, (e.retryAfter ?? 1) * 1000);
    case ErrorCode.HTTPError:
      return new DeliveryError(`Slack HTTP ${e.statusCode}`, (e.statusCode ?? 500) >= 500 || e.statusCode === 408);
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      return new DeliveryError(`Slack error ${code}`, !PERMANENT.has(code));
    }
    case ErrorCode.RequestError:
      return new DeliveryError(`Slack unreachable: ${e.message}`, true);
    default:
      return new DeliveryError(`Slack call failed: ${e.message ?? String(err)}`, true);
  }
}
