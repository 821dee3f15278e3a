import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ExportBudget, type DropReason } from '../../src/export/export-budget.ts';
import { encodeResource, encodeScope, writeLogRecord } from '../../src/export/otlp-encode.ts';
import { OtlpSender, retryAfterMs } from '../../src/export/otlp-sender.ts';
import { setWarnSink } from '../../src/safety/warn.ts';
import { decodeLogs } from '../support/otlp-receiver.ts';

// Retries of the agent's OTLP sender against a collector that answers as told, request by request.

type Answer = (req: IncomingMessage, res: ServerResponse) => void;
const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(code, headers);
    res.end();
  };
const dropConnection: Answer = (req) => req.socket.destroy();

let server: Server;
let url = '';
let script: Answer[] = [];
let hits: Array<{ at: number; bodies: number }> = [];

beforeAll(async () => {
  setWarnSink(() => {}); // export warnings are rate-limited and checked elsewhere
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ at: Date.now(), bodies: decodeLogs(Buffer.concat(chunks)).length });
      (script.shift() ?? status(200))(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`;
});

afterAll(async () => {
  setWarnSink((line) => void process.stderr.write(line));
  await new Promise<void>((r) => server.close(() => r()));
});

afterEach(() => {
  script = [];
  hits = [];
});

function sender(options: { maxAttempts?: number; maxRetryDelayMs?: number } = {}) {
  const drops: Array<[number, DropReason]> = [];
  const budget = new ExportBudget('logs', 100, (_s, n, reason) => drops.push([n, reason]));
  const s = new OtlpSender({ url, resource: encodeResource({ 'service.name': 'retry-test' }), budget, retryBaseMs: 20, ...options });
  const scope = encodeScope('test', undefined);
  const send = (n: number) => {
    for (let i = 0; i < n; i++) {
      s.offer(scope, writeLogRecord, {
        timeMs: Date.now(),
        severityNumber: 9,
        severityText: 'info',
        body: `line ${i}`,
        attributes: {},
        traceId: undefined,
        spanId: undefined,
        traceFlags: 0,
      });
    }
  };
  return { s, send, budget, drops };
}

describe('OtlpSender retries', () => {
  it('sends a batch again after 503 and a dropped connection; nothing is lost or counted', async () => {
    script = [status(503), dropConnection];
    const { s, send, budget, drops } = sender();
    send(3);
    await s.flush();
    expect(hits.map((h) => h.bodies)).toEqual([3, 3, 3]);
    expect(drops).toEqual([]);
    expect(budget.inUse).toBe(0);
  });

  it('does not retry what the collector refused (400): dropped and counted once', async () => {
    script = [status(400)];
    const { s, send, budget, drops } = sender();
    send(2);
    await s.flush();
    expect(hits).toHaveLength(1);
    expect(drops).toEqual([[2, 'export_failed']]);
    expect(budget.inUse).toBe(0);
  });

  it('waits as long as Retry-After says before the next try', async () => {
    script = [status(429, { 'retry-after': '1' })];
    const { s, send, drops } = sender();
    send(1);
    await s.flush();
    expect(hits).toHaveLength(2);
    expect(hits[1]!.at - hits[0]!.at).toBeGreaterThanOrEqual(950);
    expect(drops).toEqual([]);
  });

  it('gives up after maxAttempts tries, and at once when asked to wait too long', async () => {
    script = [status(503), status(502), status(504)];
    const first = sender({ maxAttempts: 3 });
    first.send(1);
    await first.s.flush();
    expect(hits).toHaveLength(3);
    expect(first.drops).toEqual([[1, 'export_failed']]);

    hits = [];
    script = [status(503, { 'retry-after': '3600' })];
    const second = sender({ maxRetryDelayMs: 10_000 });
    const started = Date.now();
    second.send(1);
    await second.s.flush();
    expect(hits).toHaveLength(1);
    expect(second.drops).toEqual([[1, 'export_failed']]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2026-11-30T12:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs('Mon, 30 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-1', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
