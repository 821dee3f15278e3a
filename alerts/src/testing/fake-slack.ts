import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the Slack Web API, for tests (Slack itself is unreachable here). It answers
 * as Slack does — HTTP 200 with `ok:false` and an error code for bad tokens and unknown channels,
 * 429 with Retry-After past a per-channel rate — keeps the messages it was sent, and records every
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

export interface ScriptedFault { status?: number; error?: string; retryAfter?: number }

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

  get apiUrl(): string { return `${this.url}/api/`; }

  async start(): Promise<this> {
    this.server = createServer((req, res) => { this.handle(req, res).catch((err) => { res.writeHead(500); res.end(String(err)); }); });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => { this.server?.close(() => resolve()); this.server?.closeAllConnections(); });
  }

  /** Sends the withheld answers (to callers still listening). */
  releaseHeld(): void {
    this.holdResponses = false;
    for (const answer of this.held.splice(0)) { try { answer(); } catch { /* caller gone */ } }
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
    const reply = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const ok = status === 200 && body.ok === true;
      this.calls.push({ method, params, at: Date.now(), status, ok, ...(typeof body.error === 'string' ? { error: body.error } : {}), ...(typeof body.ts === 'string' ? { ts: body.ts } : {}) });
      const answer = () => { res.writeHead(status, { 'content-type': 'application/json', ...headers }); res.end(JSON.stringify(body)); };
      if (this.holdResponses) this.held.push(answer); else answer();
    };
    const fault = this.outage ?? this.takeFault(method);
    if (fault) {
      if (fault.status === 429) return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(fault.retryAfter ?? 1) });
      if (fault.status && fault.status !== 200) return reply(fault.status, { ok: false, error: 'server_error' });
      return reply(200, { ok: false, error: fault.error ?? 'internal_error' });
    }
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!(this.options.tokens ?? ['xoxb-test']).includes(token)) return reply(200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    if (method === 'auth.test') return reply(200, { ok: true, team: 'shopscope', user: 'alerts' });
    if (method === 'conversations.list') {
      const channels = Object.entries(this.options.channels ?? { alerts: 'C0ALERTS' }).map(([name, id]) => ({ id, name, is_channel: true }));
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
        const threadTs = params.thread_ts ? String(params.thread_ts) : undefined;
        if (threadTs && !this.messages.some((m) => m.channel === channel && m.ts === threadTs)) return reply(200, { ok: false, error: 'thread_not_found' });
        const message: FakeSlackMessage = {
          channel, ts: this.nextTs(), text: String(params.text ?? ''), blocks: (params.blocks as unknown[]) ?? [], edits: 0,
          ...(threadTs ? { threadTs } : {}), ...(params.metadata ? { metadata: params.metadata as FakeSlackMessage['metadata'] } : {}),
        };
        this.messages.push(message);
        return reply(200, { ok: true, channel, ts: message.ts, message: { text: message.text, ts: message.ts } });
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === channel && m.ts === String(params.ts));
        if (!message) return reply(200, { ok: false, error: 'message_not_found' });
        message.text = String(params.text ?? message.text);
        if (params.blocks) message.blocks = params.blocks as unknown[];
        message.edits++;
        return reply(200, { ok: true, channel, ts: message.ts, text: message.text });
      }
      case 'conversations.history': {
        const oldest = Number(params.oldest ?? 0);
        const list = this.messages.filter((m) => m.channel === channel && !m.threadTs && Number(m.ts) >= oldest).reverse();
        return reply(200, { ok: true, messages: list.map((m) => ({ ts: m.ts, text: m.text, ...(params.include_all_metadata && m.metadata ? { metadata: m.metadata } : {}) })), has_more: false });
      }
      case 'conversations.replies': {
        const ts = String(params.ts);
        const list = this.messages.filter((m) => m.channel === channel && (m.ts === ts || m.threadTs === ts));
        if (list.length === 0) return reply(200, { ok: false, error: 'thread_not_found' });
        return reply(200, { ok: true, messages: list.map((m) => ({ ts: m.ts, text: m.text, thread_ts: m.threadTs ?? m.ts, ...(params.include_all_metadata && m.metadata ? { metadata: m.metadata } : {}) })), has_more: false });
      }
      default:
        return reply(200, { ok: false, error: 'unknown_method' });
    }
  }

  private takeFault(method: string): ScriptedFault | undefined {
    const i = this.faults.findIndex((f) => f.method === method || f.method === '*');
    if (i < 0) return undefined;
    return this.faults.splice(i, 1)[0]?.fault;
  }
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
  try { return JSON.parse(v); } catch { return v; }
}
