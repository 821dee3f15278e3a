import { freePort } from '@shopscope/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, startApp, type AppProcess } from '../support/app-process.ts';
import { sample } from '../support/in-process-agent.ts';

// The same libraries in an ESM app started under `--import @shopscope/agent/register`, as a
// user runs it: express's route template and the GraphQL metrics and N+1 count reach /metrics
// through the agent's own wiring (agent.ts), not the test's.

let app: AppProcess;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await freePort();
  app = await startApp(`${FIXTURES}express-graphql-app.mjs`, {
    OTEL_SERVICE_NAME: 'registered',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    SHOPSCOPE_ACCESS_LOG: 'off',
    SHOPSCOPE_METRICS_PORT: String(metricsPort),
  });
});
afterAll(() => app?.stop());

describe('express and graphql under the register hook', () => {
  it('labels the express route and records the GraphQL operation and its N+1', async () => {
    const base = `http://127.0.0.1:${app.port}`;
    expect(await (await fetch(`${base}/api/v1/orders/9`)).json()).toEqual({ id: '9' });
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Naive { products { name reviews { stars } } }' }),
    });
    expect(((await response.json()) as { data: { products: unknown[] } }).data.products).toHaveLength(5);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(sample(text, 'http_server_requests_total{method="GET",route="/api/v1/orders/:id",status_class="2xx"}')).toBe(1);
    expect(sample(text, 'http_server_requests_total{method="POST",route="/graphql",status_class="2xx"}')).toBe(1);
    expect(sample(text, 'graphql_server_operation_duration_seconds_count{operation_name="Naive",operation_type="query"}')).toBe(1);
    expect(sample(text, 'graphql_n_plus_one_total{field_path="products.*.reviews",kind="db"}')).toBe(1);
    expect(sample(text, 'db_client_operation_duration_seconds_count{db_system="sqlite",operation="SELECT"}')).toBe(6);
    expect(app.stderr()).not.toMatch(/SHOPSCOPE_ERR/);
  });
});
