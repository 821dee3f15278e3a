// A Slack-compatible endpoint of the drill runner's own: the evaluator of a demo started by the
// runner posts its pages here, so the report shows them exactly as they were sent (Block Kit).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  method: 'chat.postMessage' | 'chat.update';
  at: number;
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
}

export class SlackSink {
  readonly sent: SentMessage[] = [];
  private server: Server | undefined;
  private counter = 0;
  apiUrl = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.answer(req).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.apiUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async answer(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const params = parseBody(Buffer.concat(chunks).toString('utf8'), String(req.headers['content-type'] ?? ''));
    const method = new URL(req.url ?? '/', 'http://sink').pathname.replace(/^\/api\//, '');
    const channel = String(params.channel ?? '');
    switch (method) {
      case 'chat.postMessage':
      case 'chat.update': {
        const ts =
          method === 'chat.update' ? String(params.ts) : `${Math.floor(Date.now() / 1000)}.${String(++this.counter).padStart(6, '0')}`;
        this.sent.push({
          method,
          at: Date.now(),
          channel,
          ts,
          text: String(params.text ?? ''),
          blocks: Array.isArray(params.blocks) ? params.blocks : [],
          ...(params.thread_ts ? { threadTs: String(params.thread_ts) } : {}),
        });
        return { ok: true, channel, ts };
      }
      case 'conversations.list':
        return { ok: true, channels: [], response_metadata: { next_cursor: '' } };
      case 'conversations.history':
      case 'conversations.replies':
        // Nothing to reconcile against: the sink never loses a message.
        return { ok: true, messages: [], has_more: false, response_metadata: { next_cursor: '' } };
      default:
        return { ok: true };
    }
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) {
    try {
      return JSON.parse(raw || '{}') as Record<string, unknown>;
    } catch {
      return {};
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      out[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      out[key] = value;
    }
  }
  return out;
}
