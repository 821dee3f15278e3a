import { createHash } from 'node:crypto';
import { ErrorCode, WebClient, type WebAPICallResult } from '@slack/web-api';
import type { Delivery, Thread } from '../../state/store.ts';
import { plainTextOf } from '../slack-format.ts';
import { DeliveryError, type DeliveryPayload, type SendResult, type Transport } from '../transport.ts';

/** Slack errors that no retry can fix: a person has to change the token, the channel or the message. */
const PERMANENT = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
  'invalid_metadata_format',
  'cant_update_message',
  'message_not_found',
  'edit_window_closed',
  'restricted_action',
]);

/** Slack refused the layout, not the message: sent again as text it is delivered. */
const BLOCKS_REFUSED = new Set(['invalid_blocks', 'invalid_blocks_format']);

/** Failures after which Slack may have carried out the call (its docs say so of internal_error). */
const MAYBE_DONE = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

const METADATA_EVENT = 'shopscope_alert';

/** History read back when looking for a message: 50 pages of 200, the newest 10,000 messages since it was queued. */
const HISTORY_PAGES = 50;
const HISTORY_PAGE_SIZE = 200;

interface Marker {
  delivery_id?: number;
  group_key?: string;
  firing_id?: number;
  fired_at?: number;
}
interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Marker };
}

/** The group key as carried in metadata: short enough for any payload, still one per group. */
function markerKey(groupKey: string): string {
  return groupKey.length <= 200 ? groupKey : `sha256:${createHash('sha256').update(groupKey).digest('hex')}`;
}

/**
 * Slack through @slack/web-api. The client's own retries are off (retries: 0, rate-limited calls
 * rejected) so the delivery stage alone decides about waiting: one place, deterministic.
 */
export class SlackTransport implements Transport {
  readonly kind = 'slack' as const;
  private readonly client: WebClient;
  /** Channel name → id, learnt from Slack's answers: conversations.* methods take ids only. */
  private readonly channelIds = new Map<string, string>();

  constructor(
    token: string,
    slackApiUrl: string | undefined,
    timeoutMs: number,
    private readonly maxRetryAfterMs = 5 * 60_000,
  ) {
    this.client = new WebClient(token, {
      ...(slackApiUrl ? { slackApiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
      logLevel: undefined,
      logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error' as never, setName() {} },
    });
  }

  async send(d: Delivery, thread: Thread): Promise<SendResult> {
    const payload = d.payload as DeliveryPayload;
    try {
      return await this.call(d, thread, payload.text, payload.blocks);
    } catch (err) {
      const e = classify(err, this.maxRetryAfterMs);
      if (!e.slackError || !BLOCKS_REFUSED.has(e.slackError) || payload.blocks.length === 0) throw e;
    }
    try {
      const result = await this.call(d, thread, plainTextOf(payload), []);
      return { ...result, note: 'Slack refused the blocks (invalid_blocks): sent as plain text' };
    } catch (err) {
      throw classify(err, this.maxRetryAfterMs);
    }
  }

  private async call(d: Delivery, thread: Thread, text: string, blocks: unknown[]): Promise<SendResult> {
    if (d.kind === 'update') {
      if (!thread.ts) throw new DeliveryError('the group message was never posted: nothing to update', false);
      // `blocks: []` clears the old layout when the update goes out as text
      await this.client.chat.update({ channel: thread.channelId ?? thread.channel, ts: thread.ts, text, blocks: blocks as never });
      return { ts: thread.ts };
    }
    const threadTs = d.kind === 'reply' && thread.ts ? thread.ts : undefined;
    // The marker that lets a later attempt find this message: one group, one firing (thread), one delivery.
    const marker: Marker = { delivery_id: d.id, group_key: markerKey(d.groupKey), firing_id: thread.id, fired_at: thread.createdAt };
    const result = await this.client.chat.postMessage({
      channel: d.kind === 'reply' ? (thread.channelId ?? d.channel) : d.channel,
      text,
      ...(blocks.length ? { blocks: blocks as never } : {}),
      metadata: { event_type: METADATA_EVENT, event_payload: marker as never },
      unfurl_links: false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    const channelId = (result.channel as string | undefined) ?? null;
    if (channelId) this.channelIds.set(d.channel, channelId);
    return { ts: String(result.ts), channelId };
  }

  /**
   * After an attempt that may have reached Slack (a crash, a timeout, a 5xx): looks for the
   * message by its metadata marker, paging back through the channel (or thread) to when the
   * delivery was queued. Returns its ts if Slack has it.
   */
  async findDelivered(d: Delivery, thread: Thread): Promise<string | undefined> {
    if (d.kind === 'update') return undefined; // an update is idempotent: sending it again is harmless
    try {
      const channel = thread.channelId ?? (await this.channelId(d.channel));
      if (!channel) return undefined;
      const inThread = d.kind === 'reply' && thread.ts;
      const pages = inThread
        ? this.client.paginate('conversations.replies', { channel, ts: thread.ts, include_all_metadata: true, limit: HISTORY_PAGE_SIZE })
        : this.client.paginate('conversations.history', {
            channel,
            oldest: String(d.createdAt / 1000 - 60),
            include_all_metadata: true,
            limit: HISTORY_PAGE_SIZE,
          });
      const key = markerKey(d.groupKey);
      const isOurs = (m: HistoryMessage) => {
        if (m.metadata?.event_type !== METADATA_EVENT) return false;
        const p = m.metadata.event_payload ?? {};
        if (Number(p.delivery_id) === d.id) return true;
        return d.kind === 'post' && p.group_key === key && Number(p.firing_id) === thread.id && Number(p.fired_at) === thread.createdAt;
      };
      let read = 0;
      for await (const page of pages as AsyncIterable<WebAPICallResult>) {
        const found = ((page as { messages?: HistoryMessage[] }).messages ?? []).find(isOurs);
        if (found?.ts) return found.ts;
        if (++read >= HISTORY_PAGES) break;
      }
      return undefined;
    } catch (err) {
      throw classify(err, this.maxRetryAfterMs);
    }
  }

  private async channelId(name: string): Promise<string | undefined> {
    const bare = name.replace(/^#/, '');
    if (/^[CGD][A-Z0-9]{6,}$/.test(bare)) return bare;
    const known = this.channelIds.get(name);
    if (known) return known;
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await this.client.conversations.list({
        exclude_archived: true,
        limit: 1000,
        types: 'public_channel,private_channel',
        ...(cursor ? { cursor } : {}),
      });
      const found = (result.channels ?? []).find((c) => c.name === bare);
      if (found?.id) {
        this.channelIds.set(name, found.id);
        return found.id;
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return undefined;
  }
}

class SlackDeliveryError extends DeliveryError {
  constructor(
    message: string,
    retryable: boolean,
    retryAfterMs: number | undefined,
    ambiguous: boolean,
    readonly slackError?: string,
  ) {
    super(message, retryable, retryAfterMs, ambiguous);
  }
}

function classify(err: unknown, maxRetryAfterMs: number): SlackDeliveryError {
  if (err instanceof SlackDeliveryError) return err;
  if (err instanceof DeliveryError) return new SlackDeliveryError(err.message, err.retryable, err.retryAfterMs, err.ambiguous);
  const e = err as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    data?: { error?: string };
    message?: string;
    original?: { code?: string; cause?: { code?: string } };
  };
  switch (e.code) {
    case ErrorCode.RateLimitedError: {
      // A Retry-After of hours (a bug, a proxy) must not hold every page back that long.
      const seconds = Number.isFinite(e.retryAfter) && (e.retryAfter as number) > 0 ? (e.retryAfter as number) : 1;
      return new SlackDeliveryError(
        `Slack rate limit (Retry-After ${e.retryAfter}s)`,
        true,
        Math.min(seconds * 1000, maxRetryAfterMs),
        false,
      );
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 500;
      const retryable = status >= 500 || status === 408;
      return new SlackDeliveryError(`Slack HTTP ${status}`, retryable, undefined, retryable);
    }
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      return new SlackDeliveryError(`Slack error ${code}`, !PERMANENT.has(code), undefined, MAYBE_DONE.has(code), code);
    }
    case ErrorCode.RequestError:
      // A refused connection never carried the request; a timeout or a reset may have.
      return new SlackDeliveryError(
        `Slack unreachable: ${e.message}`,
        true,
        undefined,
        (e.original?.cause?.code ?? e.original?.code) !== 'ECONNREFUSED',
      );
    default:
      return new SlackDeliveryError(`Slack call failed: ${e.message ?? String(err)}`, true, undefined, true);
  }
}
