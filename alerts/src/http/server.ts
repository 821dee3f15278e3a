import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AlertsError, type ErrorCode } from '../errors.ts';
import type { Metrics } from '../metrics.ts';
import type { Alert } from '../pipeline/alert.ts';
import type { Silencer } from '../pipeline/silence.ts';
import type { Faults } from '../state/faults.ts';
import { isStoreError, type StateStore } from '../state/store.ts';
import { checkAccess, type AccessOptions } from './access.ts';

export interface ApiContext {
  alerts: () => Iterable<Alert>;
  mutedBy: (a: Alert) => { silencedBy: string[]; inhibitedBy?: string };
  silencer: Silencer;
  store: StateStore;
  metrics: Metrics;
  rulesStatus: () => unknown;
  reload: () => Promise<unknown>;
  /** Counts and logs state database failures met while answering. */
  faults: Faults;
}

const MAX_BODY = 64 * 1024;
// A client that trickles its headers or body is cut off: the API must answer everyone else.
const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 15_000;

const STATUS: Partial<Record<ErrorCode, number>> = {
  SHOPSCOPE_ERR_NOT_FOUND: 404,
  SHOPSCOPE_ERR_SILENCE_NOT_FOUND: 404,
  SHOPSCOPE_ERR_UNAUTHORIZED: 401,
  SHOPSCOPE_ERR_API_TOKEN_UNSET: 403,
  SHOPSCOPE_ERR_FORBIDDEN_HOST: 403,
  SHOPSCOPE_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  SHOPSCOPE_ERR_SILENCE_LIMIT: 409,
  SHOPSCOPE_ERR_STATE_STORE: 503,
  SHOPSCOPE_ERR_INTERNAL: 500,
};

/**
 * The evaluator's HTTP API. Errors use the shop's `{error:{code,message}}` body. Every request
 * passes the Host check; changes (any method but GET/HEAD/OPTIONS) need the Bearer token.
 */
export async function startApi(ctx: ApiContext, access: AccessOptions): Promise<{ server: Server; url: string }> {
  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    (req, res) => {
      const port = (server.address() as AddressInfo | null)?.port ?? 0;
      handle(ctx, { ...access, port }, req, res).then(
        () => ctx.faults.recovered('api'),
        (err) => {
          const e = toError(err);
          if (e.code === 'SHOPSCOPE_ERR_STATE_STORE' || e.code === 'SHOPSCOPE_ERR_INTERNAL') ctx.faults.report('api', err);
          if (res.headersSent) {
            res.destroy();
            return;
          }
          send(
            res,
            STATUS[e.code] ?? 400,
            { error: { code: e.code, message: e.message } },
            'application/json',
            e.code === 'SHOPSCOPE_ERR_UNAUTHORIZED' ? { 'www-authenticate': 'Bearer' } : {},
          );
        },
      );
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(access.port, access.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${access.host.includes(':') ? `[${access.host}]` : access.host}:${address.port}` };
}

/** Every failure as an AlertsError: the API never answers with a bare stack or an unknown code. */
function toError(err: unknown): AlertsError {
  if (err instanceof AlertsError) return err;
  if (isStoreError(err))
    return new AlertsError('SHOPSCOPE_ERR_STATE_STORE', `the state database failed: ${(err as Error).message}; try again`);
  return new AlertsError('SHOPSCOPE_ERR_INTERNAL', (err as Error)?.message ?? String(err));
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY) throw new AlertsError('SHOPSCOPE_ERR_BAD_REQUEST', `body larger than ${MAX_BODY} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading (and dropping) to the end, so the answer reaches a client still sending.
    if (size <= MAX_BODY) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY) throw new AlertsError('SHOPSCOPE_ERR_BAD_REQUEST', `body larger than ${MAX_BODY} bytes`);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AlertsError('SHOPSCOPE_ERR_BAD_REQUEST', 'the body is not valid JSON');
  }
}

function parseUrl(raw: string | undefined): URL {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch {
    throw new AlertsError('SHOPSCOPE_ERR_BAD_REQUEST', 'the request URL cannot be parsed');
  }
}

async function handle(ctx: ApiContext, access: AccessOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkAccess(req, access);
  const url = parseUrl(req.url);
  const route = `${req.method} ${url.pathname}`;
  const iso = (t: number | undefined | null) => (t ? new Date(t).toISOString() : null);
  if (route === 'GET /-/healthy') return send(res, 200, 'OK\n', 'text/plain');
  if (route === 'GET /metrics') return send(res, 200, await ctx.metrics.registry.metrics(), ctx.metrics.registry.contentType);
  if (route === 'POST /-/reload') return send(res, 200, await ctx.reload());
  if (route === 'GET /api/rules') return send(res, 200, ctx.rulesStatus());
  if (route === 'GET /api/alerts') {
    const alerts = [...ctx.alerts()].map((a) => ({
      fingerprint: a.fingerprint,
      labels: a.labels,
      annotations: a.annotations,
      state: a.state,
      value: a.value,
      activeSince: iso(a.activeAt),
      firedAt: iso(a.firedAt),
      resolvedAt: iso(a.resolvedAt),
      ...ctx.mutedBy(a),
    }));
    return send(res, 200, { alerts });
  }
  if (route === 'GET /api/notifications') {
    const notifications = ctx.store
      .listDeliveries(Math.min(10_000, Math.max(1, Number.parseInt(url.searchParams.get('limit') ?? '', 10) || 1000)))
      .map((d) => {
        const thread = ctx.store.getThread(d.threadId);
        const open = d.status === 'pending' || d.status === 'sending';
        return {
          id: d.id,
          group: d.groupKey,
          receiver: d.receiver,
          channel: d.channel,
          kind: d.kind,
          reason: d.reason,
          status: open && d.undeliverableSince ? 'undeliverable' : d.status,
          attempts: d.attempts,
          ts: d.ts,
          threadTs: thread?.ts ?? null,
          createdAt: iso(d.createdAt),
          sentAt: iso(d.sentAt),
          nextAttemptAt: iso(d.nextAttemptAt),
          lastError: d.lastError,
          text: (d.payload as { text?: string }).text,
        };
      });
    return send(res, 200, { notifications });
  }
  if (route === 'GET /api/silences') {
    return send(res, 200, {
      silences: ctx.silencer
        .list()
        .map((s) => ({ ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt), createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt) })),
    });
  }
  if (route === 'POST /api/silences') {
    const s = ctx.silencer.create(await readJson(req));
    return send(res, 201, { silence: { ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt) } });
  }
  const del = /^DELETE \/api\/silences\/([A-Za-z0-9-]{1,64})$/.exec(route);
  if (del) {
    const s = ctx.silencer.expire(del[1] as string);
    return send(res, 200, { silence: { ...s, startsAt: iso(s.startsAt), endsAt: iso(s.endsAt) } });
  }
  throw new AlertsError('SHOPSCOPE_ERR_NOT_FOUND', `no route ${route.slice(0, 200)}`);
}
