import { ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createAccessLogWriter } from '../../src/http/access-log.ts';

function capture(): { stream: { write(line: string): boolean }; lines: string[] } {
  const lines: string[] = [];
  return { stream: { write: (line: string) => lines.push(line) > 0 }, lines };
}

const entry = {
  method: 'GET',
  route: '/products/:id',
  status: 200,
  durationMs: 4.12345,
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  experiments: undefined,
  context: ROOT_CONTEXT,
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
    const emitted: Array<[string, unknown]> = [];
    const otlp = { emit: (_l: string, msg: string | undefined, fields: unknown) => emitted.push([msg ?? '', fields]) } as never;
    createAccessLogWriter(out.stream, otlp, 'svc "quoted"', 'dev', 10)({
      ...entry,
      route: '/a"b\\c/:id',
      durationMs: 12,
      experiments: { checkout_button: 'blue' },
    });
    const line = JSON.parse(out.lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ service: 'svc "quoted"', slow: true, experiments: { checkout_button: 'blue' }, http: { route: '/a"b\\c/:id' } });
    expect(emitted[0]).toEqual([
      'request completed',
      { event: 'http.request', http: { method: 'GET', route: '/a"b\\c/:id', status_code: 200, duration_ms: 12 }, slow: true, experiments: { checkout_button: 'blue' } },
    ]);
  });
});
