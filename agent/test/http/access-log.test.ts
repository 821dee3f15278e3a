import { describe, expect, it } from 'vitest';
import { createAccessLogWriter } from '../../src/http/access-log.ts';
import { writeLogRecord } from '../../src/export/otlp-encode.ts';
import { ProtobufWriter } from '../../src/export/protobuf-writer.ts';

function capture(): { stream: { write(line: string): boolean }; lines: string[] } {
  const lines: string[] = [];
  return { stream: { write: (line: string) => lines.push(line) > 0 }, lines };
}

/** An OtlpLogs stand-in that keeps each encoded record. */
function captureOtlp(): { otlp: never; emitted: Buffer[] } {
  const emitted: Buffer[] = [];
  const otlp = {
    emitEncoded: <T>(encode: (w: ProtobufWriter, item: T) => void, item: T) => {
      const w = new ProtobufWriter(256);
      encode(w, item);
      emitted.push(Buffer.from(w.view()));
    },
  } as never;
  return { otlp, emitted };
}

const entry = {
  method: 'GET',
  route: '/products/:id',
  status: 200,
  durationMs: 4.12345,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
  experiments: undefined,
};

describe('access log line', () => {
  it('follows the LOGGING.md schema', () => {
    const out = capture();
    createAccessLogWriter(out.stream, undefined, 'catalog', 'prod', 500)(entry);
    const line = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(line).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'catalog',
      environment: 'prod',
      trace_id: entry.traceId,
      span_id: entry.spanId,
      event: 'http.request',
      http: { method: 'GET', route: '/products/:id', status_code: 200, duration_ms: 4.123 },
      msg: 'request completed',
    });
    expect(out.lines[0]!.endsWith('}\n')).toBe(true);
  });

  it('flags slow requests, carries experiments and stays valid JSON for odd routes and names', () => {
    const out = capture();
    const { otlp, emitted } = captureOtlp();
    createAccessLogWriter(
      out.stream,
      otlp,
      'svc "quoted"',
      'dev',
      10,
    )({
      ...entry,
      route: '/a"b\\c/:id',
      durationMs: 12,
      experiments: { checkout_button: 'blue' },
    });
    const line = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      service: 'svc "quoted"',
      slow: true,
      experiments: { checkout_button: 'blue' },
      http: { route: '/a"b\\c/:id' },
    });
    // The hand-written OTLP copy is byte for byte the generic LogRecord of the same fields
    // (past the two timestamps, 2 × 9 bytes, which differ by when each was taken).
    const generic = new ProtobufWriter(256);
    writeLogRecord(generic, {
      timeMs: Date.now(),
      severityNumber: 9,
      severityText: 'info',
      body: 'request completed',
      attributes: {
        event: 'http.request',
        http: { method: 'GET', route: '/a"b\\c/:id', status_code: 200, duration_ms: 12 },
        slow: true,
        experiments: { checkout_button: 'blue' },
      },
      traceId: entry.traceId,
      spanId: entry.spanId,
      traceFlags: 1,
    });
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.subarray(18).toString('hex')).toBe(Buffer.from(generic.view()).subarray(18).toString('hex'));
  });

  it.each([
    [200, 'info', 9],
    [302, 'info', 9],
    [404, 'warn', 13],
    [499, 'warn', 13],
    [500, 'error', 17],
    [503, 'error', 17],
  ])('logs status %i at %s, on stdout and in the OTLP copy (severity %i)', (status, level, severityNumber) => {
    const out = capture();
    const { otlp, emitted } = captureOtlp();
    createAccessLogWriter(out.stream, otlp, 'catalog', 'prod', 500)({ ...entry, status });
    expect(JSON.parse(out.lines[0]!)).toMatchObject({ level, http: { status_code: status } });
    const generic = new ProtobufWriter(256);
    writeLogRecord(generic, {
      timeMs: Date.now(),
      severityNumber,
      severityText: level,
      body: 'request completed',
      attributes: { event: 'http.request', http: { method: 'GET', route: '/products/:id', status_code: status, duration_ms: 4.123 } },
      traceId: entry.traceId,
      spanId: entry.spanId,
      traceFlags: 1,
    });
    expect(emitted[0]!.subarray(18).toString('hex')).toBe(Buffer.from(generic.view()).subarray(18).toString('hex'));
  });
});
