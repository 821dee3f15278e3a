import { createServer, type Server } from 'node:http';
import type { MetricsRegistry } from './red-metrics.ts';
import { warn } from '../safety/warn.ts';
import { describe } from '../safety/safe-call.ts';

// The /metrics endpoint on its own port, so the app's routes, auth and rate limits never see
// the scraper. The server is unref'd: it never keeps the app alive.

export interface MetricsEndpoint {
  server: Server;
  /** Resolves with the bound port, or undefined when listening failed. */
  ready: Promise<number | undefined>;
}

export function serveMetrics(registry: MetricsRegistry, host: string, port: number): MetricsEndpoint {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'only GET /metrics is served here' } }));
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'METRICS_FAILED', message: describe(error) } }));
      },
    );
  });
  const ready = new Promise<number | undefined>((resolve) => {
    server.once('error', (error) => {
      warn('SHOPSCOPE_ERR_METRICS_PORT', `cannot serve /metrics on ${host}:${port}: ${describe(error)}; set SHOPSCOPE_METRICS_PORT`);
      resolve(undefined);
    });
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : undefined);
    });
  });
  server.unref();
  return { server, ready };
}
