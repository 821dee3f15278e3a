// The load and the drills end to end, against a stack, a shop and an alert evaluator of the
// test's own (ports moved by the loadtest stack's shift): the smoke profile, two drills with their reports (opened in
// Chromium), and the rollback on an error and on Ctrl-C.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEvaluator, type Evaluator } from '@shopscope/alerts';
import { launchShop, serviceNames, stopShop, type LaunchedService } from '@shopscope/sample-shop';
import { buildAll, down, loadSettings, up } from '@shopscope/stack';
import { freePort, launchChromium, shiftedPort, testEnvironment } from '@shopscope/testkit';
import {
  loadDrills,
  journalPath,
  profiles,
  recordPendingRollback,
  reportDir,
  rollBackLeftover,
  runDrill,
  runLoad,
  SlackSink,
  targetsFrom,
  writeReport,
  type Drill,
  type DrillResult,
  type Targets,
} from '../src/index.ts';

const agentBuilt = existsSync(new URL('../../agent/dist/register.js', import.meta.url));
const stackEnv: Record<string, string | undefined> = {
  ...testEnvironment('loadtest'),
  SHOPSCOPE_SHOP_METRICS_BASE_PORT: String(shiftedPort('loadtest', 9464)),
};
const settings = loadSettings(stackEnv);
const quiet = (): void => {};
const rules = new URL('./rules/', import.meta.url).pathname;

let shop: LaunchedService[] = [];
let evaluator: Evaluator | undefined;
let targets: Targets;
let sink: SlackSink;
let scratch = '';
const reports: Record<string, string> = {};

async function flags(): Promise<Record<string, unknown>> {
  const response = await fetch(`${targets.gateway}/admin/flags`, { headers: { authorization: `Bearer ${targets.adminToken}` } });
  return (await response.json()) as Record<string, unknown>;
}

async function drill(
  name: string,
  options: { onEvent?: Parameters<typeof runDrill>[1]['onEvent']; signal?: AbortSignal; load?: boolean } = {},
): Promise<{ drill: Drill; result: DrillResult; dir: string }> {
  const [found] = loadDrills(name);
  const dir = reportDir(name, join(scratch, 'reports'));
  const result = await runDrill(found!, {
    targets,
    outDir: dir,
    sink,
    warmUpSeconds: 5,
    loadChunkSeconds: 10,
    steadyStateTimeoutSeconds: 90,
    pollMs: 500,
    ...options,
  });
  await writeReport(dir, found!, result, targets);
  return { drill: found!, result, dir };
}

describe.skipIf(!agentBuilt)('load and drills, end to end', () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'shopscope-loadtest-'));
    await buildAll({ components: ['collector', 'jaeger', 'victorialogs', 'prometheus'], log: quiet });
    await down({ env: stackEnv, log: quiet });
    rmSync(settings.dataDir, { recursive: true, force: true });
    await up({ env: stackEnv, log: quiet });
    const shopEnv: Record<string, string | undefined> = {
      SHOPSCOPE_DATA_DIR: join(scratch, 'shop'),
      // no broker in this stack: order events wait in the outbox, never in a developer's Kafka
      SHOPSCOPE_KAFKA_BROKERS: 'off',
      SHOPSCOPE_ADMIN_TOKEN: 'loadtest-admin',
      SHOPSCOPE_RATE_LIMIT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${settings.ports.otlpHttp}`,
      OTEL_TRACES_SAMPLER: 'always_on',
      OTEL_BSP_SCHEDULE_DELAY: '500',
    };
    for (const [index, name] of serviceNames.entries()) {
      shopEnv[`SHOPSCOPE_${name.toUpperCase()}_PORT`] = String(await freePort());
      shopEnv[`SHOPSCOPE_${name.toUpperCase()}_METRICS_PORT`] = String(settings.ports.shopMetricsBase + index);
    }
    shop = await launchShop({ env: shopEnv as NodeJS.ProcessEnv, onLine: quiet });
    sink = await new SlackSink().start();
    evaluator = await startEvaluator({
      rulesDir: [join(rules, 'fast.rules.yml')],
      policy: join(rules, 'policy.yml'),
      stateFile: join(scratch, 'alerts.db'),
      prometheusUrl: `http://127.0.0.1:${settings.ports.prometheus}`,
      victoriaLogsUrl: `http://127.0.0.1:${settings.ports.victoriaLogs}`,
      slackToken: 'xoxb-loadtest',
      slackApiUrl: sink.apiUrl,
      port: await freePort(),
      watch: false,
      logLevel: 'error',
    });
    targets = targetsFrom({
      ...stackEnv,
      SHOPSCOPE_GATEWAY_PORT: shopEnv.SHOPSCOPE_GATEWAY_PORT,
      ALERTS_PORT: new URL(evaluator.url).port,
      SHOPSCOPE_ADMIN_TOKEN: 'loadtest-admin',
    });
  }, 10 * 60_000);

  afterAll(async () => {
    await evaluator?.stop();
    await sink?.stop();
    await stopShop(shop);
    await down({ env: stackEnv, log: quiet });
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('the smoke profile runs every journey without a failure; its traces reach Jaeger beside the shop', { timeout: 150_000 }, async () => {
    const outDir = reportDir('load-smoke', join(scratch, 'reports'));
    const run = await runLoad({ profileName: 'smoke', profile: profiles.smoke, targets, outDir });
    expect(existsSync(run.resultsFile)).toBe(true);
    const summary = run.summary!;
    for (const [journey, counts] of Object.entries(summary.journeys)) {
      expect(counts.started, journey).toBeGreaterThan(0);
      expect(counts.failed, journey).toBe(0);
    }
    // Artillery's ensure and the summary read the same SLOs: they agree on the verdict.
    expect(run.exitCode === 0, `exit ${run.exitCode}, breaches: ${summary.breaches.join('; ')}`).toBe(summary.breaches.length === 0);
    await vi.waitFor(
      async () => {
        const response = await fetch(`http://127.0.0.1:${settings.ports.jaegerQuery}/api/services`);
        const services = ((await response.json()) as { data: string[] | null }).data ?? [];
        expect(services).toContain('shopscope-loadtest');
        expect(services).toContain('gateway');
      },
      { timeout: 30_000, interval: 1000 },
    );
  });

  for (const name of ['payment-provider-failing', 'gateway-error-burst']) {
    it(`the ${name} drill pages within its target, resolves after the rollback, and writes its report`, { timeout: 240_000 }, async () => {
      const { drill: declared, result, dir } = await drill(name);
      expect(result.failures).toEqual([]);
      expect(result.passed).toBe(true);
      expect(result.timeToPageSeconds).toBeGreaterThan(0);
      expect(result.timeToPageSeconds!).toBeLessThanOrEqual(declared.expect.maxTimeToPageSeconds);
      expect(result.timeToResolveSeconds!).toBeLessThanOrEqual(declared.maxTimeToResolveSeconds);
      expect(result.rolledBack).toBe(true);
      const kinds = result.timeline.map((e) => e.kind);
      for (const kind of ['fault on', 'alert pending', 'page sent', 'fault off', 'resolved'] as const) expect(kinds).toContain(kind);
      const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
      expect(summary).toMatchObject({
        passed: true,
        timeToPageSeconds: result.timeToPageSeconds,
        timeToResolveSeconds: result.timeToResolveSeconds,
      });
      expect(summary.pages.some((p: { reason: string }) => p.reason === 'firing')).toBe(true);
      expect(
        result.slackMessages.some(
          (m) => m.text.includes(declared.expect.alert) || JSON.stringify(m.blocks).includes(declared.expect.alert),
        ),
      ).toBe(true);
      expect(summary.load.runs.length).toBeGreaterThan(0);
      for (const run of summary.load.runs) expect(existsSync(join(dir, run.resultsFile))).toBe(true);
      reports[name] = dir;
    });
  }

  it('the report opens in Chromium, and each of its graphs has data', { timeout: 60_000 }, async () => {
    const dir = reports['gateway-error-burst'];
    expect(dir, 'the gateway-error-burst drill wrote its report').toBeTruthy();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`file://${join(dir!, 'index.html')}`);
      expect(await page.locator('h1').innerText()).toMatch(/gateway-error-burst\s+passed/);
      const graphs = await page.locator('figure.graph').evaluateAll((figures) =>
        figures.map((f) => ({
          samples: Number(f.getAttribute('data-samples')),
          drawn: f.querySelectorAll('svg path').length,
          visible: (f.querySelector('svg')?.getBoundingClientRect().width ?? 0) > 0,
        })),
      );
      expect(graphs.length).toBeGreaterThanOrEqual(2);
      for (const graph of graphs) {
        expect(graph.samples).toBeGreaterThan(0);
        expect(graph.drawn).toBeGreaterThan(0);
        expect(graph.visible).toBe(true);
      }
      expect(await page.locator('.page').count()).toBeGreaterThan(0);
      expect(await page.locator('.page').first().innerText()).toContain('HighErrorRatio');
    } finally {
      await browser.close();
    }
  });

  it('an error during the drill still rolls the fault back', { timeout: 120_000 }, async () => {
    const { result } = await drill('gateway-error-burst', {
      load: false,
      onEvent: (event) => {
        if (event.kind === 'fault on') throw new Error('the progress display broke');
      },
    });
    expect(result.passed).toBe(false);
    expect(result.failures).toContain('the progress display broke');
    expect(result.rolledBack).toBe(true);
    expect((await flags()).gatewayErrorRate).toBe(0);
  });

  it('Ctrl-C during the drill rolls the fault back', { timeout: 120_000 }, async () => {
    const ctrlC = new AbortController();
    const { result } = await drill('payment-provider-failing', {
      load: false,
      signal: ctrlC.signal,
      onEvent: (event) => {
        if (event.kind === 'fault on') setTimeout(() => ctrlC.abort(), 500);
      },
    });
    expect(result.passed).toBe(false);
    expect(result.failures.join(' ')).toMatch(/stopped \(Ctrl-C\)/);
    expect(result.rolledBack).toBe(true);
    expect((await flags()).paymentFailureRate).toBe(0);
    expect(existsSync(journalPath(targets))).toBe(false);
  });

  it('a fault left on by a killed runner is rolled back by the next run, before anything else', async () => {
    const [burst] = loadDrills('gateway-error-burst');
    // What a runner killed between "fault on" and its rollback leaves behind: the flag and the note.
    recordPendingRollback(targets, burst!.name, burst!.rollback);
    const fault = burst!.fault as { flags: Record<string, unknown> };
    await fetch(`${targets.gateway}/admin/flags`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${targets.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(fault.flags),
    });
    expect((await flags()).gatewayErrorRate).toBe(0.5);
    expect(await rollBackLeftover(targets)).toMatch(/left on by drill gateway-error-burst/);
    expect((await flags()).gatewayErrorRate).toBe(0);
    expect(existsSync(journalPath(targets))).toBe(false);
    expect(await rollBackLeftover(targets)).toBeUndefined();
  });

  it('a rollback journal that cannot be read is an error naming the file, and nothing is undone by guess', async () => {
    mkdirSync(dirname(journalPath(targets)), { recursive: true });
    writeFileSync(journalPath(targets), '{"drill": "x", "rollback": {"flags": {"noSuchFlag": 1}}');
    try {
      await expect(rollBackLeftover(targets)).rejects.toThrow(/pending-rollback\.json cannot be read/);
      expect(existsSync(journalPath(targets))).toBe(true);
    } finally {
      rmSync(journalPath(targets), { force: true });
    }
  });
});
