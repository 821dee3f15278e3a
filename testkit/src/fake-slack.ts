import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Slack Web API, for tests (Slack itself is unreachable here). It answers
 * as Slack does — HTTP 200 with `ok:false` and an error code for bad tokens and unknown channels,
 * `invalid_blocks` for blocks past Block Kit's limits, 429 with Retry-After past a per-channel
 * rate — keeps the messages it was sent with their metadata, serves them back through
 * `conversations.history` and `conversations.replies` with cursor pagination, and records every
 * call so a test can assert on what reached "Slack".
 */
export interface FakeSlackCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
  status: number;
  ok: boolean;
  error?: string;
  ts?: string;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  threadTs?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edits: number;
}

export interface ScriptedFault {
  status?: number;
  error?: string;
  retryAfter?: number;
  /** Carry the call out, then answer with the fault: Slack posted, the caller hears a failure. */
  applied?: boolean;
  /** Carry the call out and answer only after this long (past the caller's timeout). */
  delayMs?: number;
}

export interface FakeSlackOptions {
  tokens?: string[];
  /** Channel name (without #) → id. */
  channels?: Record<string, string>;
  /** Calls allowed per channel per second; past it, 429 with Retry-After. */
  ratePerChannel?: number;
  retryAfterSeconds?: number;
}

export class FakeSlack {
  readonly calls: FakeSlackCall[] = [];
  readonly messages: FakeSlackMessage[] = [];
  readonly webhookPosts: Array<{ path: string; body: unknown; at: number }> = [];
  private readonly faults: Array<{ method: string; fault: ScriptedFault }> = [];
  private readonly recent = new Map<string, number[]>();
  private server: Server | undefined;
  private counter = 0;
  url = '';
  /** When set, every call fails like this until cleared (a Slack outage). */
  outage: ScriptedFault | undefined;
  /** When true, calls are carried out but their answers withheld: Slack got it, the caller never hears. */
  holdResponses = false;
  private readonly held: Array<() => void> = [];

  constructor(private readonly options: FakeSlackOptions = {}) {}

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** Sends the withheld answers (to callers still listening). */
  releaseHeld(): void {
    this.holdResponses = false;
    for (const answer of this.held.splice(0)) {
      try {
        answer();
      } catch {
        /* caller gone */
      }
    }
  }

  /** The next `count` calls of `method` fail as given. */
  failNext(method: string, fault: ScriptedFault, count = 1): void {
    for (let i = 0; i < count; i++) this.faults.push({ method, fault });
  }

  callsOf(method: string, okOnly = true): FakeSlackCall[] {
    return this.calls.filter((c) => c.method === method && (!okOnly || c.ok));
  }

  private channelId(name: unknown): string | undefined {
    const channels = this.options.channels ?? { alerts: 'C0ALERTS' };
    const n = String(name ?? '').replace(/^#/, '');
    if (Object.values(channels).includes(n)) return n;
    return channels[n];
  }

  private nextTs(): string {
    this.counter++;
    return `${Math.floor(Date.now() / 1000)}.${String(this.counter).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/webhook/')) {
      this.webhookPosts.push({ path, body: JSON.parse(raw || '{}'), at: Date.now() });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const method = path.replace(/^\/api\//, '');
    const params = parseBody(raw, String(req.headers['content-type'] ?? ''));
    const fault = this.outage ?? this.takeFault(method);
    const faultAnswer = (f: ScriptedFault): [number, Record<string, unknown>, Record<string, string>] => {
      if (f.status === 429) return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(f.retryAfter ?? 1) }];
      if (f.status && f.status !== 200) return [f.status, { ok: false, error: 'server_error' }, {}];
      return [200, { ok: false, error: f.error ?? 'internal_error' }, {}];
    };
    const reply = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      // An applied fault: what was done stays done, the answer is the failure.
      if (fault?.applied && (fault.status !== undefined || fault.error !== undefined)) [status, body, headers] = faultAnswer(fault);
      const ok = status === 200 && body.ok === true;
      this.calls.push({
        method,
        params,
        at: Date.now(),
        status,
        ok,
        ...(typeof body.error === 'string' ? { error: body.error } : {}),
        ...(typeof body.ts === 'string' ? { ts: body.ts } : {}),
      });
      const answer = () => {
        try {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        } catch {
          /* caller gone */
        }
      };
      if (this.holdResponses) this.held.push(answer);
      else if (fault?.delayMs) setTimeout(answer, fault.delayMs).unref();
      else answer();
    };
    if (fault && !fault.applied && !fault.delayMs) {
      const [status, body, headers] = faultAnswer(fault);
      return reply(status, body, headers);
    }
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!(this.options.tokens ?? ['xoxb-test']).includes(token))
      return reply(200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    if (method === 'auth.test') return reply(200, { ok: true, team: 'shopscope', user: 'alerts' });
    if (method === 'conversations.list') {
      const channels = Object.entries(this.options.channels ?? { alerts: 'C0ALERTS' }).map(([name, id]) => ({
        id,
        name,
        is_channel: true,
      }));
      return reply(200, { ok: true, channels, response_metadata: { next_cursor: '' } });
    }
    const channel = this.channelId(params.channel);
    if (!channel) return reply(200, { ok: false, error: 'channel_not_found' });
    // As in Slack, conversations.* take a channel id, never a name.
    if (method.startsWith('conversations.') && channel !== params.channel) return reply(200, { ok: false, error: 'channel_not_found' });
    if (this.options.ratePerChannel !== undefined && ['chat.postMessage', 'chat.update'].includes(method)) {
      const now = Date.now();
      const window = (this.recent.get(channel) ?? []).filter((t) => now - t < 1000);
      if (window.length >= this.options.ratePerChannel) {
        this.recent.set(channel, window);
        return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(this.options.retryAfterSeconds ?? 1) });
      }
      window.push(now);
      this.recent.set(channel, window);
    }
    switch (method) {
      case 'chat.postMessage': {
        if (!params.text && !params.blocks) return reply(200, { ok: false, error: 'no_text' });
        const refused = checkMessage(params);
        if (refused) return reply(200, refused);
        const threadTs = params.thread_ts ? String(params.thread_ts) : undefined;
        if (threadTs && !this.messages.some((m) => m.channel === channel && m.ts === threadTs))
          return reply(200, { ok: false, error: 'thread_not_found' });
        const message: FakeSlackMessage = {
          channel,
          ts: this.nextTs(),
          text: String(params.text ?? ''),
          blocks: (params.blocks as unknown[]) ?? [],
          edits: 0,
          ...(threadTs ? { threadTs } : {}),
          ...(params.metadata ? { metadata: params.metadata as FakeSlackMessage['metadata'] } : {}),
        };
        this.messages.push(message);
        return reply(200, { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } });
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === channel && m.ts === String(params.ts));
        if (!message) return reply(200, { ok: false, error: 'message_not_found' });
        const refused = checkMessage(params);
        if (refused) return reply(200, refused);
        message.text = String(params.text ?? message.text);
        if (params.blocks) message.blocks = params.blocks as unknown[];
        message.edits++;
        return reply(200, { ok: true, channel, ts: message.ts, text: message.text });
      }
      case 'conversations.history': {
        // Newest first, top-level messages only, `oldest`/`latest` exclusive unless `inclusive`, as Slack.
        const inclusive = params.inclusive === true || params.inclusive === '1';
        const oldest = Number(params.oldest ?? 0);
        const latest = params.latest !== undefined ? Number(params.latest) : Infinity;
        const list = this.messages
          .filter(
            (m) =>
              m.channel === channel &&
              !m.threadTs &&
              (inclusive ? Number(m.ts) >= oldest && Number(m.ts) <= latest : Number(m.ts) > oldest && Number(m.ts) < latest),
          )
          .reverse();
        return reply(
          200,
          this.page(list, params, (m) => ({ type: 'message', ts: m.ts, text: m.text })),
        );
      }
      case 'conversations.replies': {
        // The parent first, then its replies oldest first.
        const ts = String(params.ts);
        const list = this.messages.filter((m) => m.channel === channel && (m.ts === ts || m.threadTs === ts));
        if (list.length === 0) return reply(200, { ok: false, error: 'thread_not_found' });
        return reply(
          200,
          this.page(list, params, (m) => ({ type: 'message', ts: m.ts, text: m.text, thread_ts: m.threadTs ?? m.ts })),
        );
      }
      default:
        return reply(200, { ok: false, error: 'unknown_method' });
    }
  }

  /**
   * Messages posted by someone else (people talking in the channel), newer than everything so far.
   * Returns their ts.
   */
  addMessages(channelId: string, count: number, text = 'chatter'): string[] {
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const message: FakeSlackMessage = { channel: channelId, ts: this.nextTs(), text: `${text} ${i}`, blocks: [], edits: 0 };
      this.messages.push(message);
      out.push(message.ts);
    }
    return out;
  }

  /** One page of a list, as Slack pages: `limit` (default 100, at most 999) and an opaque cursor. */
  private page(
    list: FakeSlackMessage[],
    params: Record<string, unknown>,
    shape: (m: FakeSlackMessage) => Record<string, unknown>,
  ): Record<string, unknown> {
    const limit = Math.min(999, Math.max(1, Number(params.limit ?? 100) || 100));
    let start = 0;
    if (params.cursor) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(String(params.cursor), 'base64').toString('utf8'));
      if (!decoded) return { ok: false, error: 'invalid_cursor' };
      start = Number(decoded[1]);
    }
    const slice = list.slice(start, start + limit);
    const more = start + limit < list.length;
    return {
      ok: true,
      messages: slice.map((m) => ({
        ...shape(m),
        ...(params.include_all_metadata === true && m.metadata ? { metadata: m.metadata } : {}),
      })),
      has_more: more,
      response_metadata: { next_cursor: more ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' },
    };
  }

  private takeFault(method: string): ScriptedFault | undefined {
    const i = this.faults.findIndex((f) => f.method === method || f.method === '*');
    if (i < 0) return undefined;
    return this.faults.splice(i, 1)[0]?.fault;
  }
}

/** Block Kit's limits, checked as Slack checks them: a message past one is refused whole. */
const LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  text: 3000,
  messageText: 40_000,
};

function checkMessage(params: Record<string, unknown>): Record<string, unknown> | undefined {
  if (typeof params.text === 'string' && params.text.length > LIMITS.messageText) return { ok: false, error: 'msg_too_long' };
  if (params.metadata !== undefined) {
    const m = params.metadata as { event_type?: unknown; event_payload?: unknown } | string;
    if (
      typeof m !== 'object' ||
      typeof m.event_type !== 'string' ||
      !/^[A-Za-z0-9_]+$/.test(m.event_type) ||
      typeof m.event_payload !== 'object'
    ) {
      return { ok: false, error: 'invalid_metadata_format' };
    }
  }
  if (params.blocks === undefined) return undefined;
  if (!Array.isArray(params.blocks)) return { ok: false, error: 'invalid_blocks_format' };
  const problems = blockProblems(params.blocks);
  return problems.length
    ? { ok: false, error: 'invalid_blocks', errors: problems, response_metadata: { messages: problems.map((p) => `[ERROR] ${p}`) } }
    : undefined;
}

function blockProblems(blocks: unknown[]): string[] {
  const problems: string[] = [];
  const text = (t: unknown, max: number, where: string, types = ['plain_text', 'mrkdwn']) => {
    const o = t as { type?: unknown; text?: unknown } | undefined;
    if (!o || !types.includes(String(o.type)) || typeof o.text !== 'string')
      return problems.push(`must provide a text object of type ${types.join(' or ')} [json-pointer:${where}]`);
    if (o.text.length === 0) return problems.push(`must be more than 0 characters [json-pointer:${where}/text]`);
    if (o.text.length > max) return problems.push(`must be less than ${max + 1} characters [json-pointer:${where}/text]`);
    return 0;
  };
  if (blocks.length > LIMITS.blocks) problems.push(`no more than ${LIMITS.blocks} items allowed [json-pointer:/blocks]`);
  blocks.forEach((raw, i) => {
    const b = raw as { type?: unknown; text?: unknown; fields?: unknown; elements?: unknown };
    const at = `/blocks/${i}`;
    switch (b.type) {
      case 'header':
        text(b.text, LIMITS.header, `${at}/text`, ['plain_text']);
        break;
      case 'section': {
        if (b.text === undefined && b.fields === undefined) problems.push(`must provide text or fields [json-pointer:${at}]`);
        if (b.text !== undefined) text(b.text, LIMITS.sectionText, `${at}/text`);
        if (b.fields !== undefined) {
          const fields = Array.isArray(b.fields) ? b.fields : [];
          if (fields.length > LIMITS.fields) problems.push(`no more than ${LIMITS.fields} items allowed [json-pointer:${at}/fields]`);
          fields.forEach((f, j) => text(f, LIMITS.fieldText, `${at}/fields/${j}`));
        }
        break;
      }
      case 'context': {
        const elements = Array.isArray(b.elements) ? b.elements : [];
        if (elements.length === 0 || elements.length > LIMITS.contextElements)
          problems.push(`must have between 1 and ${LIMITS.contextElements} items [json-pointer:${at}/elements]`);
        elements.forEach((e, j) => text(e, LIMITS.text, `${at}/elements/${j}`));
        break;
      }
      case 'divider':
        break;
      default:
        problems.push(`unsupported type: ${String(b.type)} [json-pointer:${at}/type]`);
    }
  });
  return problems;
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v === 'true' ? true : v === 'false' ? false : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
