import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, present } from '@shopscope/testkit';
import { FIXTURES, startApp, type AppProcess } from './support/app-process.ts';

// The agent encodes OTLP protobuf itself (src/export/otlp-encode.ts). The test receiver decodes
// it with the test's own reader; this test has the real OpenTelemetry Collector (the binary the
// stack part builds) decode it too, through its debug exporter. Skipped when no collector binary
// has been built on this machine (SHOPSCOPE_OTELCOL or the stack's cache).

function findCollector(): string | undefined {
  if (process.env.SHOPSCOPE_OTELCOL && existsSync(process.env.SHOPSCOPE_OTELCOL)) return process.env.SHOPSCOPE_OTELCOL;
  const root = join(homedir(), '.cache/shopscope/bin');
  if (!existsSync(root)) return undefined;
  for (const dir of readdirSync(root)
    .filter((d) => d.startsWith('collector-'))
    .sort()
    .reverse()) {
    const candidate = join(root, dir, 'otelcol-shopscope');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const collectorBinary = findCollector();
let collector: ChildProcess | undefined;
let collectorOutput = '';
let app: AppProcess | undefined;

describe.skipIf(!collectorBinary)('the real collector decodes what the agent sends', () => {
  beforeAll(async () => {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'shopscope-col-'));
    const config = join(dir, 'collector.yaml');
    writeFileSync(
      config,
      [
        'receivers:',
        '  otlp:',
        '    protocols:',
        '      http:',
        `        endpoint: 127.0.0.1:${port}`,
        'exporters:',
        '  debug:',
        '    verbosity: detailed',
        'service:',
        '  telemetry:',
        '    metrics:',
        '      level: none',
        '  pipelines:',
        '    traces: { receivers: [otlp], exporters: [debug] }',
        '    logs: { receivers: [otlp], exporters: [debug] }',
        '',
      ].join('\n'),
    );
    collector = spawn(collectorBinary!, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    collector.stdout?.on('data', (c: Buffer) => (collectorOutput += c.toString()));
    collector.stderr?.on('data', (c: Buffer) => (collectorOutput += c.toString()));
    await vi.waitFor(() => present('the collector ready', collectorOutput.includes('Everything is ready')), { timeout: 30_000 });
    app = await startApp(`${FIXTURES}chain-service.mjs`, {
      OTEL_SERVICE_NAME: 'compat',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      // gzip here; the pipeline tests (stack/test) send uncompressed bodies, the default.
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      SHOPSCOPE_METRICS_PORT: String(await freePort()),
    });
  }, 60_000);

  afterAll(async () => {
    await app?.stop('SIGKILL');
    collector?.kill('SIGKILL');
  });

  it('spans with attributes, events and status, and log records with their trace context', async () => {
    const res = await fetch(`http://127.0.0.1:${app!.port}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const txid = res.headers.get('x-transaction-id')!;
    await fetch(`http://127.0.0.1:${app!.port}/boom`);
    await vi.waitFor(
      () =>
        present(
          "the /boom span and its log in the collector's output",
          collectorOutput.includes('Name           : GET /boom') && collectorOutput.includes('Body: Str(request completed)'),
        ),
      { timeout: 20_000 },
    );
    expect(collectorOutput).toContain(`Trace ID       : ${txid}`);
    expect(collectorOutput).toContain('Name           : POST /checkout');
    expect(collectorOutput).toContain('-> Name: order.placed');
    expect(collectorOutput).toContain('-> http.route: Str(/checkout)');
    expect(collectorOutput).toContain('-> http.response.status_code: Int(500)');
    expect(collectorOutput).toContain('Status code    : Error');
    expect(collectorOutput).toContain(`Trace ID: ${txid}`);
    expect(collectorOutput).toContain('-> service.name: Str(compat)');
    expect(collectorOutput).not.toMatch(/unmarshal|proto: |cannot parse|invalid wire/i);
  });
});
