import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort, present } from '@shopscope/testkit';
import { FIXTURES, startApp, type AppProcess } from './support/app-process.ts';

// The agent must never harm the host: bad settings, a broken collector, a taken port, hostile
// input to its API, and signals all leave the app serving (or exiting) as it would without it.

const running: AppProcess[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop('SIGKILL')));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function start(env: Record<string, string>, script = 'plain-http.mjs'): Promise<AppProcess> {
  const app = await startApp(`${FIXTURES}${script}`, { SHOPSCOPE_METRICS_PORT: String(await freePort()), ...env });
  running.push(app);
  return app;
}

async function hello(app: AppProcess, path = '/hello'): Promise<Response> {
  return fetch(`http://127.0.0.1:${app.port}${path}`);
}

function warnings(app: AppProcess): string[] {
  return app
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('[shopscope]'));
}

describe('never harm the host', () => {
  it('starts with bad settings: one stderr line per bad variable, the rest keeps working', async () => {
    const app = await start({
      SHOPSCOPE_METRICS_PORT: 'abc',
      OTEL_TRACES_SAMPLER: 'bogus',
      SHOPSCOPE_EXPERIMENTS: 'x',
      SHOPSCOPE_LOG_LEVEL: 'verbose',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
    });
    const res = await hello(app);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-transaction-id')).toMatch(/^[0-9a-f]{32}$/);
    const lines = warnings(app).filter((l) => l.includes('SHOPSCOPE_ERR_CONFIG_INVALID'));
    expect(lines).toHaveLength(4);
    for (const name of [
      'SHOPSCOPE_METRICS_PORT="abc"',
      'OTEL_TRACES_SAMPLER="bogus"',
      'SHOPSCOPE_EXPERIMENTS="x"',
      'SHOPSCOPE_LOG_LEVEL="verbose"',
    ]) {
      expect(lines.filter((l) => l.includes(name))).toHaveLength(1);
    }
    await vi.waitFor(
      () =>
        present(
          'the access line',
          app.lines.find((l) => l.event === 'http.request'),
        ),
      { timeout: 10_000 },
    );
  });

  it('keeps serving when the collector fails every export, counts the drops and warns rate-limited', async () => {
    let hits = 0;
    const broken = createServer((req, res) => {
      hits += 1;
      req.resume();
      if (hits % 2 === 0) req.socket.destroy();
      else {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end('no');
      }
    });
    servers.push(broken);
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const metricsPort = await freePort();
    const app = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(broken.address() as AddressInfo).port}`,
      SHOPSCOPE_METRICS_PORT: String(metricsPort),
    });
    for (let round = 0; round < 5; round++) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => hello(app)));
      expect(responses.every((r) => r.status === 200)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
    }
    const dropped = await vi.waitFor(
      async () => {
        const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const match = /shopscope_telemetry_dropped_total\{signal="spans",reason="export_failed"\} (\d+)/.exec(text);
        return present('spans dropped for failed exports', match && Number(match[1]) > 0 ? Number(match[1]) : undefined);
      },
      { timeout: 20_000 },
    );
    expect(dropped).toBeGreaterThan(0);
    expect(hits).toBeGreaterThan(1);
    const exportWarnings = warnings(app).filter((l) => l.includes('SHOPSCOPE_ERR_EXPORT_FAILED'));
    expect(exportWarnings.length).toBeGreaterThan(0);
    expect(exportWarnings.length).toBeLessThanOrEqual(4);
  }, 60_000);

  it('keeps serving when the metrics port is taken', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const app = await start({ SHOPSCOPE_METRICS_PORT: String((taken.address() as AddressInfo).port) });
    expect((await hello(app)).status).toBe(200);
    await vi.waitFor(
      () =>
        present(
          'the SHOPSCOPE_ERR_METRICS_PORT warning',
          warnings(app).find((l) => l.includes('SHOPSCOPE_ERR_METRICS_PORT')),
        ),
      { timeout: 10_000 },
    );
  });

  it('swallows hostile input to its own API and tells stderr, never the app', async () => {
    const app = await start({});
    const res = await hello(app, '/abuse');
    expect(res.status).toBe(200);
    expect(app.child.exitCode).toBeNull();
    await vi.waitFor(
      () =>
        present(
          'the SHOPSCOPE_ERR_CALLBACK warning',
          warnings(app).find((l) => l.includes('SHOPSCOPE_ERR_CALLBACK')),
        ),
      { timeout: 10_000 },
    );
  });

  it('does not swallow the app’s own uncaught exception', async () => {
    const app = await start({});
    await hello(app, '/throw').catch(() => undefined);
    const { code } = await app.exited;
    expect(code).toBe(1);
    expect(app.stderr()).toContain('the app’s own bug');
  });

  it('on SIGTERM without an app handler: flushes, then the process ends by the signal as it would without the agent', async () => {
    const app = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}` });
    await hello(app);
    const startedAt = Date.now();
    const { code, signal } = await app.stop('SIGTERM');
    expect(signal).toBe('SIGTERM');
    expect(code).toBeNull();
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('on SIGTERM with an app handler: the app decides how to exit', async () => {
    const app = await start({ APP_HANDLES_SIGTERM: '1' });
    await hello(app);
    const { code } = await app.stop('SIGTERM');
    expect(code).toBe(7);
    expect(app.stdout()).toContain('"app":"closing"');
  });
});
