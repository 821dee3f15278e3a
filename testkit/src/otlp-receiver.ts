import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import { present } from './present.ts';

// A local OTLP/HTTP receiver for the tests: it accepts protobuf exports on /v1/traces and
// /v1/logs, decodes the fields the tests look at (a minimal protobuf wire reader following the
// opentelemetry-proto field numbers), and keeps them in memory. The agent's tests and the
// shop's tests of services run under the agent both use it.

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  durationMs: number;
  attributes: Record<string, unknown>;
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
  statusCode: number;
  statusMessage: string;
  /** The flags field: W3C trace flags in the low byte. */
  flags: number;
}

export interface ReceivedLog {
  service: string;
  /** time_unix_nano and observed_time_unix_nano, in ms since the epoch */
  timeMs: number;
  observedTimeMs: number;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Record<string, unknown>;
  traceId: string;
  spanId: string;
}

type Field = { no: number; wire: number; value: bigint | Buffer | number };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const no = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p] = readVarint(buf, pos);
      out.push({ no, wire, value: v });
      pos = p;
    } else if (wire === 1) {
      out.push({ no, wire, value: buf.readBigUInt64LE(pos) });
      pos += 8;
    } else if (wire === 2) {
      const [len, p] = readVarint(buf, pos);
      const end = p + Number(len);
      out.push({ no, wire, value: buf.subarray(p, end) });
      pos = end;
    } else if (wire === 5) {
      out.push({ no, wire, value: buf.readUInt32LE(pos) });
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
  return out;
}

const all = (fs: Field[], no: number): Buffer[] => fs.filter((f) => f.no === no).map((f) => f.value as Buffer);
const one = (fs: Field[], no: number): Field | undefined => fs.find((f) => f.no === no);
const str = (fs: Field[], no: number): string => ((one(fs, no)?.value as Buffer | undefined) ?? Buffer.alloc(0)).toString('utf8');
const hex = (fs: Field[], no: number): string => ((one(fs, no)?.value as Buffer | undefined) ?? Buffer.alloc(0)).toString('hex');

function anyValue(buf: Buffer): unknown {
  const f = fields(buf)[0];
  if (!f) return undefined;
  switch (f.no) {
    case 1:
      return (f.value as Buffer).toString('utf8');
    case 2:
      return (f.value as bigint) !== 0n;
    case 3:
      return Number(BigInt.asIntN(64, f.value as bigint));
    case 4: {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(f.value as bigint);
      return b.readDoubleLE(0);
    }
    case 5:
      return all(fields(f.value as Buffer), 1).map(anyValue);
    case 6:
      return keyValues(all(fields(f.value as Buffer), 1));
    default:
      return undefined;
  }
}

function keyValues(list: Buffer[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    const fs = fields(kv);
    const value = one(fs, 2)?.value as Buffer | undefined;
    out[str(fs, 1)] = value ? anyValue(value) : undefined;
  }
  return out;
}

function serviceOf(resource: Buffer | undefined): string {
  if (!resource) return '';
  return String(keyValues(all(fields(resource), 1))['service.name'] ?? '');
}

export function decodeTraces(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of all(fields(body), 1)) {
    const rsf = fields(rs);
    const service = serviceOf(one(rsf, 1)?.value as Buffer | undefined);
    for (const ss of all(rsf, 2)) {
      for (const s of all(fields(ss), 2)) {
        const f = fields(s);
        const start = (one(f, 7)?.value as bigint | undefined) ?? 0n;
        const end = (one(f, 8)?.value as bigint | undefined) ?? 0n;
        const status = one(f, 15)?.value as Buffer | undefined;
        spans.push({
          service,
          traceId: hex(f, 1),
          spanId: hex(f, 2),
          parentSpanId: hex(f, 4),
          name: str(f, 5),
          kind: Number((one(f, 6)?.value as bigint | undefined) ?? 0n),
          durationMs: Number(end - start) / 1e6,
          attributes: keyValues(all(f, 9)),
          events: all(f, 11).map((e) => {
            const ef = fields(e);
            return { name: str(ef, 2), attributes: keyValues(all(ef, 3)) };
          }),
          links: all(f, 13).map((l) => {
            const lf = fields(l);
            return { traceId: hex(lf, 1), spanId: hex(lf, 2), attributes: keyValues(all(lf, 4)) };
          }),
          statusCode: status ? Number((one(fields(status), 3)?.value as bigint | undefined) ?? 0n) : 0,
          statusMessage: status ? str(fields(status), 2) : '',
          flags: Number(one(f, 16)?.value ?? 0),
        });
      }
    }
  }
  return spans;
}

export function decodeLogs(body: Buffer): ReceivedLog[] {
  const logs: ReceivedLog[] = [];
  for (const rl of all(fields(body), 1)) {
    const rlf = fields(rl);
    const service = serviceOf(one(rlf, 1)?.value as Buffer | undefined);
    for (const sl of all(rlf, 2)) {
      for (const l of all(fields(sl), 2)) {
        const f = fields(l);
        const body = one(f, 5)?.value as Buffer | undefined;
        logs.push({
          service,
          timeMs: Number((one(f, 1)?.value as bigint | undefined) ?? 0n) / 1e6,
          observedTimeMs: Number((one(f, 11)?.value as bigint | undefined) ?? 0n) / 1e6,
          severityNumber: Number(one(f, 2)?.value ?? 0),
          severityText: str(f, 3),
          body: body ? anyValue(body) : undefined,
          attributes: keyValues(all(f, 6)),
          traceId: hex(f, 9),
          spanId: hex(f, 10),
        });
      }
    }
  }
  return logs;
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly logs: ReceivedLog[] = [];
  /** The path and request headers of every export request received. */
  readonly received: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
  requests = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests += 1;
        this.received.push({ path: req.url ?? '', headers: req.headers });
        const raw = Buffer.concat(chunks);
        try {
          // As the collector does: bodies may be gzipped (OTEL_EXPORTER_OTLP_COMPRESSION=gzip).
          const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
          if (req.url === '/v1/traces') this.spans.push(...decodeTraces(body));
          else if (req.url === '/v1/logs') this.logs.push(...decodeLogs(body));
        } catch (error) {
          process.stderr.write(`otlp receiver: cannot decode ${req.url}: ${String(error)}\n`);
        }
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What `probe` finds in the telemetry received so far, waited for with vi.waitFor. */
  waitFor<T>(probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
    return vi.waitFor(() => present('telemetry', probe()), { timeout: timeoutMs });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
