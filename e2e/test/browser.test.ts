// Real-user monitoring end to end: the storefront page, in headless Chromium, with Grafana Faro
// sending OTLP/HTTP straight to the collector (CORS), the shop under the agent. A purchase is one
// trace from the browser's fetch span down to orders and payments; page errors and web vitals
// land in VictoriaLogs with the session and page; nothing the browser sends carries a card
// number or an email; with the collector stopped the shopper sees no difference.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { launchShop, serviceNames, stopShop, type LaunchedService } from '@shopscope/sample-shop';
import { buildAll, down, loadSettings, PORT_VARIABLES, up, type StackSettings } from '@shopscope/stack';
import { freePort, shiftedPort, testEnvironment, launchChromium } from '@shopscope/testkit';
import { jaegerTrace, logsQuery, promQuery, type LogRow, type TraceSpan } from './backends.ts';

const agentBuilt = existsSync(new URL('../../agent/dist/register.js', import.meta.url));
const bundleBuilt = existsSync(new URL('../../sample-shop/storefront/dist/telemetry.js', import.meta.url));
const env: Record<string, string | undefined> = {
  ...testEnvironment('browser'),
  SHOPSCOPE_SHOP_METRICS_BASE_PORT: String(shiftedPort('browser', PORT_VARIABLES.shopMetricsBase[1])),
};
const quiet = (): void => {};
const card = '4242 4242 4242 4242';
const cardDigits = card.replaceAll(' ', '');
const email = 'browser.shopper@example.com';
// A leading zero: no timing or size the page reports as a string (`"321"` ms of parsing, seen
// once) can spell it, so finding it means the CVV itself leaked.
const cvv = '0731';
const wait = { timeout: 30_000, interval: 500 };

let settings: StackSettings;
let shop: LaunchedService[] = [];
let browser: Browser;
let storefront = '';
let otlpBase = '';
let dataDir = '';
/** Every body the browser posted to the collector, from every page of this file. */
const sent: { url: string; body: string }[] = [];

async function openPage(): Promise<{ page: Page; pageErrors: string[]; consoleErrors: { text: string; url: string }[] }> {
  const page = await browser.newPage();
  const pageErrors: string[] = [];
  const consoleErrors: { text: string; url: string }[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push({ text: message.text(), url: message.location().url });
  });
  page.on('request', (request) => {
    if (request.url().startsWith(otlpBase)) sent.push({ url: request.url(), body: request.postData() ?? '' });
  });
  await page.goto(storefront);
  await expect.poll(() => page.locator('#product-list li').count(), wait).toBeGreaterThan(0);
  return { page, pageErrors, consoleErrors };
}

/** Adds the first product, pays, and returns the checkout's x-transaction-id and the page's message. */
async function purchase(page: Page): Promise<{ traceId: string; message: string }> {
  await page.locator('#product-list li').first().locator('button').click();
  await expect.poll(() => page.locator('#cart-count').textContent(), wait).toBe('1');
  await page.fill('#email', email);
  await page.fill('#card', card);
  await page.fill('#expiry', '12/39');
  await page.fill('#cvv', cvv);
  const answer = page.waitForResponse((response) => response.url().endsWith('/api/checkout') && response.request().method() === 'POST');
  await page.click('#pay');
  const response = await answer;
  expect(response.status()).toBe(201);
  await expect.poll(() => page.locator('#message').textContent(), wait).toMatch(/^Order o-.* confirmed/);
  return { traceId: response.headers()['x-transaction-id'] ?? '', message: (await page.locator('#message').textContent()) ?? '' };
}

async function sessionOf(page: Page): Promise<string> {
  const id = await page.evaluate(
    () => (window as unknown as { faro?: { api: { getSession(): { id?: string } | undefined } } }).faro?.api.getSession()?.id,
  );
  expect(id, 'the page has a Faro session').toBeTruthy();
  return id!;
}

/** The storefront's rows in VictoriaLogs for a LogsQL filter, printed so the query can be reused. */
async function storefrontLogs(what: string, filter: string, done: (rows: LogRow[]) => boolean): Promise<LogRow[]> {
  const query = `_time:15m service.name:"storefront" ${filter}`;
  console.log(
    `${what}: LogsQL ${query}  (curl http://127.0.0.1:${settings.ports.victoriaLogs}/select/logsql/query --data-urlencode 'query=${query}')`,
  );
  return vi.waitFor(async () => {
    const rows = await logsQuery(settings.ports, query);
    if (!done(rows)) throw new Error(`${what}: ${rows.length} rows so far`);
    return rows;
  }, wait);
}

describe.skipIf(!agentBuilt || !bundleBuilt)('real-user monitoring of the storefront (Faro in Chromium)', () => {
  beforeAll(async () => {
    // the collector's CORS origin and the gateway must agree on the storefront's port
    env.SHOPSCOPE_STOREFRONT_PORT = String(await freePort());
    settings = loadSettings(env);
    await buildAll({ components: ['collector', 'jaeger', 'victorialogs', 'prometheus'], log: quiet });
    await down({ env, log: quiet });
    rmSync(settings.dataDir, { recursive: true, force: true });
    await up({ env, log: quiet });
    otlpBase = `http://127.0.0.1:${settings.ports.otlpHttp}`;
    dataDir = mkdtempSync(join(tmpdir(), 'shopscope-browser-shop-'));
    const shopEnv: Record<string, string | undefined> = {
      SHOPSCOPE_DATA_DIR: dataDir,
      // no broker in this stack: order events wait in the outbox, never in a developer's Kafka
      SHOPSCOPE_KAFKA_BROKERS: 'off',
      SHOPSCOPE_RATE_LIMIT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlpBase,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=browser-test',
      OTEL_BSP_SCHEDULE_DELAY: '500',
      // the browser's collector address comes from the stack's port, as in the demo
      SHOPSCOPE_OTLP_HTTP_PORT: String(settings.ports.otlpHttp),
    };
    for (const [index, name] of serviceNames.entries()) {
      shopEnv[`SHOPSCOPE_${name.toUpperCase()}_PORT`] = name === 'gateway' ? String(settings.ports.storefront) : String(await freePort());
      shopEnv[`SHOPSCOPE_${name.toUpperCase()}_METRICS_PORT`] = String(settings.ports.shopMetricsBase + index);
    }
    // a service that fails to start says why in the error, not only its exit code
    const lastLines: string[] = [];
    const keep = (service: string, line: string) => lastLines.push(`[${service}] ${line}`) > 40 && lastLines.shift();
    shop = await launchShop({ env: shopEnv as NodeJS.ProcessEnv, onLine: keep }).catch((err: Error) => {
      throw new Error(`${err.message}; last lines:\n${lastLines.join('\n')}`);
    });
    storefront = `http://127.0.0.1:${settings.ports.storefront}/`;
    browser = await launchChromium();
  }, 45 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopShop(shop);
    await down({ env, log: quiet });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("a purchase is one trace: the browser's fetch span is the gateway's parent, orders and payments below", async () => {
    const { page, pageErrors } = await openPage();
    const session = await sessionOf(page);
    const { traceId } = await purchase(page);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    console.log(`purchase trace: http://127.0.0.1:${settings.ports.jaegerQuery}/api/traces/${traceId}`);
    const byId = (spans: TraceSpan[]) => new Map(spans.map((s) => [s.spanId, s]));
    const complete = (spans: TraceSpan[]) =>
      ['storefront', 'gateway', 'orders', 'payments'].every((service) => spans.some((s) => s.service === service)) &&
      spans.every((s) => !s.parentSpanId || byId(spans).has(s.parentSpanId));
    const spans = await vi.waitFor(async () => {
      const found = await jaegerTrace(settings.ports, traceId);
      if (!found || !complete(found)) throw new Error(`trace ${traceId}: ${found?.length ?? 0} spans so far`);
      return found;
    }, wait);
    const spansById = byId(spans);
    const gatewayServer = spans.find(
      (s) => s.service === 'gateway' && s.tags['span.kind'] === 'server' && s.name.includes('/api/checkout'),
    );
    expect(gatewayServer, 'the gateway server span of POST /api/checkout').toBeDefined();
    const fetchSpan = spansById.get(gatewayServer!.parentSpanId);
    expect(fetchSpan?.service).toBe('storefront');
    expect(fetchSpan?.tags['span.kind']).toBe('client');
    expect(String(fetchSpan?.tags['url.full'])).toMatch(/\/api\/checkout$/);
    // the click that made it: a named user action (the button's name, never what was typed)
    expect(fetchSpan?.tags['faro.action.user.name']).toBe('place-order');
    expect(fetchSpan?.tags['session.id']).toBe(session);
    expect(String(fetchSpan?.tags['page.url'])).toBe(storefront);
    // orders and payments sit below the gateway's span
    const ancestors = (span: TraceSpan): TraceSpan[] => {
      const parent = spansById.get(span.parentSpanId);
      return parent ? [parent, ...ancestors(parent)] : [];
    };
    for (const service of ['orders', 'payments']) {
      const below = spans.filter((s) => s.service === service && ancestors(s).includes(gatewayServer!));
      expect(below.length, `${service} spans below the gateway`).toBeGreaterThan(0);
    }
    // the browser is a service of its own, with its user agent, in Jaeger
    const raw = (await (await fetch(`http://127.0.0.1:${settings.ports.jaegerQuery}/api/traces/${traceId}`)).json()) as {
      data: { processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }> }[];
    };
    const browserProcess = Object.values(raw.data[0]!.processes).find((p) => p.serviceName === 'storefront');
    const processTags = Object.fromEntries((browserProcess?.tags ?? []).map((t) => [t.key, t.value]));
    expect(String(processTags['user_agent.original'])).toContain('Chrome');
    expect(processTags['deployment.environment.name']).toBe('browser-test');
    // ... and in the service map
    const edge = 'traces_service_graph_request_total{client="storefront",server="gateway"}';
    console.log(`service map edge: PromQL ${edge}`);
    const series = await vi.waitFor(async () => {
      const found = await promQuery(settings.ports, edge);
      if (!found.length) throw new Error('no storefront -> gateway edge yet');
      return found;
    }, wait);
    expect(Number(series[0]!.value[1])).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it("the collector's CORS admits only the storefront's origin and the headers the browser sends", async () => {
    const preflight = async (origin: string, headers: string) =>
      fetch(`${otlpBase}/v1/logs`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
      });
    const origin = storefront.slice(0, -1);
    const allowed = await preflight(origin, 'content-type,x-faro-session-id');
    expect(allowed.headers.get('access-control-allow-origin')).toBe(origin);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-faro-session-id');
    expect((await preflight('http://127.0.0.1:1', 'content-type')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(origin, 'content-type,authorization')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('an error thrown on the page reaches VictoriaLogs with its stack, page URL and session', async () => {
    const { page } = await openPage();
    const session = await sessionOf(page);
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('storefront test boom');
      });
    });
    const rows = await storefrontLogs(
      'page error',
      `exception.message:"storefront test boom" session.id:"${session}"`,
      (found) => found.length > 0,
    );
    const row = rows[0]!;
    console.log(`page error row fields: ${Object.keys(row).sort().join(', ')}`);
    expect(row['exception.type']).toBe('Error');
    expect(row['url.full']).toBe(storefront);
    const frames = JSON.parse(row['faro.error.stacktrace.frames'] ?? '[]') as { lineno?: number }[];
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]!.lineno).toBeGreaterThan(0);
    expect(String(row['user_agent.original'])).toContain('Chrome');
    const perPage = `_time:15m service.name:"storefront" exception.type:* | stats by (url.full) count() as errors`;
    console.log(`browser errors per page: LogsQL ${perPage}`);
    const counts = await logsQuery(settings.ports, perPage);
    expect(Number(counts.find((r) => r['url.full'] === storefront)?.errors)).toBeGreaterThan(0);
    await page.close();
  });

  it('the web vitals of a page load are in VictoriaLogs for the session', async () => {
    const { page } = await openPage();
    const session = await sessionOf(page);
    const rows = await storefrontLogs('web vitals', `measurement.type:"web-vitals" session.id:"${session}"`, (found) => {
      const names = new Set(found.map((r) => r['measurement.name']));
      return names.has('fcp') && names.has('ttfb');
    });
    for (const row of rows) {
      expect(Number(row['measurement.value'])).toBeGreaterThanOrEqual(0);
      expect(row['url.full']).toBe(storefront);
    }
    console.log(`web vitals for session ${session}: ${rows.map((r) => `${r['measurement.name']}=${r['measurement.value']}`).join(' ')}`);
    // the per-page figures a Frontend board shows: web vitals p75 and errors, by page
    const perPage = `_time:15m service.name:"storefront" measurement.type:"web-vitals" | stats by (url.full, measurement.name) quantile(0.75, measurement.value) as p75`;
    console.log(`web vitals per page: LogsQL ${perPage}`);
    const p75 = await logsQuery(settings.ports, perPage);
    expect(p75.some((r) => r['url.full'] === storefront && r['measurement.name'] === 'fcp' && Number(r.p75) > 0)).toBe(true);
    await page.close();
  });

  it('no card number or email appears in anything the browser sent, even from errors and console lines that held them', async () => {
    const { page } = await openPage();
    const session = await sessionOf(page);
    await purchase(page);
    // the page itself leaks them into an error and a console line: both are captured, scrubbed
    await page.evaluate(
      ({ card, email }) => {
        console.error(`checkout trouble for ${email} paying with ${card}`);
        setTimeout(() => {
          throw new Error(`card ${card} of ${email} refused`);
        });
      },
      { card, email },
    );
    const rows = await storefrontLogs('scrubbed error', `exception.message:"refused" session.id:"${session}"`, (found) => found.length > 0);
    expect(rows[0]!['exception.message']).toBe('card [card] of [email] refused');
    const consoleRows = await storefrontLogs(
      'scrubbed console line',
      `"checkout trouble" session.id:"${session}"`,
      (found) => found.length > 0,
    );
    expect(consoleRows[0]!['exception.message']).toBe('console.error: checkout trouble for [email] paying with [card]');
    const everything = (await logsQuery(settings.ports, `_time:15m service.name:"storefront"`, 10_000)).map((r) => JSON.stringify(r));
    const jaegerQuery = `http://127.0.0.1:${settings.ports.jaegerQuery}/api/traces?service=storefront&lookback=1h&limit=200`;
    console.log(`the browser's traces: ${jaegerQuery}`);
    const stored = await (await fetch(jaegerQuery)).text();
    expect(stored).toContain('"serviceName":"storefront"');
    everything.push(stored);
    const bodies = sent.map((s) => s.body);
    expect(bodies.some((b) => b.includes('resourceSpans'))).toBe(true);
    expect(bodies.some((b) => b.includes('resourceLogs'))).toBe(true);
    for (const text of [...bodies, ...everything]) {
      for (const secret of [card, cardDigits, '4242-4242-4242-4242', email, `"${cvv}"`]) expect(text).not.toContain(secret);
    }
    console.log(
      `checked ${bodies.length} bodies the browser posted (${bodies.reduce((n, b) => n + b.length, 0)} bytes), ${everything.length - 1} VictoriaLogs rows and the storefront's Jaeger traces`,
    );
    await page.close();
  });

  it('with the collector stopped a purchase still succeeds and the shopper sees no telemetry error', async () => {
    await down({ env, components: ['collector'], log: quiet });
    const { page, pageErrors, consoleErrors } = await openPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(otlpBase)) failed.push(request.url());
    });
    const { message } = await purchase(page);
    expect(message).toMatch(/^Order o-.* confirmed/);
    await expect.poll(() => page.locator('#message').getAttribute('class'), wait).toBe('ok');
    // the page did try to send, and the failures stayed inside Faro
    await expect.poll(() => failed.length, wait).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    // Chromium itself logs each refused connection; nothing else may reach the console
    const others = consoleErrors.filter((e) => !(e.url.startsWith(otlpBase) || e.text.includes('ERR_CONNECTION_REFUSED')));
    expect(others).toEqual([]);
    console.log(
      `collector down: purchase confirmed, ${failed.length} telemetry posts failed silently, ${consoleErrors.length - others.length} browser network lines, no page error`,
    );
    await page.close();
  });
});
