import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertsError, type ErrorCode } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { Alert } from '../pipeline/alert.ts';
import type { Silencer } from '../pipeline/silence.ts';
import type { StateStore } from '../state/store.ts';

export interface ApiContext {
  alerts: () => Iterable<Alert>;
  mutedBy: (a: Alert) => { silencedBy: string[]; inhibitedBy?: string };
  silencer: Silencer;
  store: StateStore;
  metrics: Metrics;
  rulesStatus: () => unknown;
  reload: () => Promise<unknown>;
}

const MAX_BODY = 64 * 1024;

/** The evaluator's HTTP API. Errors use the shop's `{error:{code,message}}` body. */
export async function startApi(ctx: ApiContext, host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err) => {
      const code: ErrorCode = err instanceof AlertsError ? err.code : 'SHOPSCOPE_ERR_BAD_REQUEST';
      const status = code === 'SHOPSCOPE_ERR_SILENCE_NOT_FOUND' || code === 'SHOPSCOPE_ERR_NOT_FOUND' ? 404 : err instanceof AlertsError ? 400 : 500;
      send(res, status, { error: { code, message: (err as Error).message } });
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, host, () => resolve()); });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host}:${address.port}` };
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new AlertsError('SHOPSCOPE_ERR_BAD_REQUEST', `body larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try { return JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {
    throw new AlertsError('SHOPSCOPE_ERR_BAD_REQUEST', 'the body is not valid JSON');
  }
}

async function handle(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = `${req.method} ${url.pathname}`;
  const iso = (t: number | undefined | null) => (t ? new Date(t).toISOString() : null);
  if (route === 'GET /-/healthy') return send(res, 200, 'OK\n', 'text/plain');
  if (route === 'GET /metrics') return send(res, 200, await ctx.metrics.registry.metrics(), ctx.metrics.registry.contentType);
  if (route === 'POST /-/reload') return send(res, 200, await ctx.reload());
  if (route === 'GET /api/rules') return send(res, 200, ctx.rulesStatus());
  if (route === 'GET /api/alerts') {
    const alerts = [...ctx.alerts()].map((a) => ({
      fingerprint: a.fingerprint, labels: a.labels, annotations: a.annotations, state: a.state, value: a.value,
      activeSince: iso(a.activeAt), firedAt: iso(a.firedAt), resolvedAt: iso(a.resolvedAt), ...ctx.mutedBy(a),
    }));
    return send(res, 200, { alerts });
  }
  if (route === 'GET /api/notifications') {
    const notifications = ctx.store.listDeliveries(Math.min(10_000, Math.max(1, Number.parseInt(url.searchParams.get('limit') ?? '', 10) || 1000))).map((d) => {
      const thread = ctx.store.getThread(d.threadId);
      return {
        id: d.id, group: d.groupKey, receiver: d.receiver, channel: d.channel, kind: d.kind, reason: d.reason,
        status: d.status === 'pending' && d.undeliverableSince ? 'undeliverable' : d.status, attempts: d.attempts,
        ts: d.ts, threadTs: thread?.ts ?? null, createdAt: iso(d.createdAt), sentAt: iso(d.sentAt), nextAttemptAt: iso(d.nextAttemptAt),
        lastError: d.lastError, text: (d.payload as { text?: string }).text,
      };
    });
    return send(res, 200, { notifications });
  }
  if (route === 'GET /api/silences') {
    return send(res, 200, { silences: ctx.silencer.list().map((s) => ({ ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) })) });
  }
  if (route === 'POST /api/silences') {
    const s = ctx.silencer.create(await readJson(req));
    return send(res, 201, { silence: { ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt) } });
  }
  const del = /^DELETE \/api\/silences\/([A-Za-z0-9-]+)$/.exec(route);
  if (del) {
    const s = ctx.silencer.expire(del[1] as string);
    return send(res, 200, { silence: { ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt) } });
  }
  throw new AlertsError('SHOPSCOPE_ERR_NOT_FOUND', `no route ${route}`);
}
