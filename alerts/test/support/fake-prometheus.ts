import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Prometheus's query API, for tests about the evaluator itself rather than PromQL:
 * each expression answers with the series set for it (none by default), under an optional path
 * prefix. It records every request path.
 */
export class FakePrometheus {
  readonly series = new Map<string, Array<Record<string, string>>>();
  readonly paths: string[] = [];
  private server: Server | undefined;
  url = '';

  constructor(private readonly prefix = '') {}

  /** Makes `expr` return these series (value 1), or nothing when called with none. */
  set(expr: string, ...labelSets: Array<Record<string, string>>): void {
    this.series.set(expr, labelSets);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        this.paths.push(url.pathname);
        const params = new URLSearchParams(req.method === 'POST' ? Buffer.concat(chunks).toString('utf8') : url.search);
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (url.pathname === `${this.prefix}/api/v1/query` || url.pathname === `${this.prefix}/select/logsql/stats_query`) {
          const expr = params.get('query') ?? '';
          if (expr.includes('((('))
            return answer(400, { status: 'error', errorType: 'bad_data', error: 'parse error: unclosed left parenthesis' });
          const time = Number(params.get('time') ?? 0);
          const result = (this.series.get(expr) ?? []).map((metric) => ({ metric, value: [time, '1'] }));
          return answer(200, { status: 'success', data: { resultType: 'vector', result } });
        }
        if (url.pathname === `${this.prefix}/api/v1/query_exemplars`) return answer(200, { status: 'success', data: [] });
        answer(404, { status: 'error', errorType: 'not_found', error: `no route ${url.pathname}` });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.prefix}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}
