import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, present } from '@shopscope/testkit';
import { AGENT_DIR, FIXTURES, startApp, type AppProcess } from './support/app-process.ts';

// The published entry points, as users start them: the compiled build under plain node, with
// `--require` (CommonJS apps) and `--import` (CommonJS and ESM apps).

const running: AppProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop('SIGKILL')));
});

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [`${AGENT_DIR}../node_modules/typescript/bin/tsc`, '-p', `${AGENT_DIR}tsconfig.build.json`]);
}, 120_000);

const cases: Array<[string, string, string]> = [
  ['--require', 'cjs-app.cjs', 'hello from cjs'],
  ['--import', 'cjs-app.cjs', 'hello from cjs'],
  ['--import', 'esm-app.mjs', 'hello from esm'],
];

describe('register entry (compiled build)', () => {
  it.each(cases)('node %s @shopscope/agent/register %s', async (flag, script, message) => {
    const app = await startApp(
      `${FIXTURES}${script}`,
      {
        OTEL_SERVICE_NAME: 'tiny',
        SHOPSCOPE_METRICS_PORT: String(await freePort()),
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      },
      [flag, '@shopscope/agent/register'],
    );
    running.push(app);
    const res = await fetch(`http://127.0.0.1:${app.port}/`);
    const txid = res.headers.get('x-transaction-id');
    expect(txid).toMatch(/^[0-9a-f]{32}$/);
    const line = await vi.waitFor(
      () =>
        present(
          "the app's log line",
          app.lines.find((l) => l.msg === message),
        ),
      { timeout: 10_000 },
    );
    expect(line).toMatchObject({ service: 'tiny', event: 'hello.said', trace_id: txid });
    expect(app.stderr()).not.toContain('SHOPSCOPE_ERR');
  });
});
