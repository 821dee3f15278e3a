// A stack and a shop of the dashboards' own, on moved ports and in their own data folder, so the
// live checks and the previews neither disturb nor depend on a stack someone runs on the usual
// ports. The alert evaluator runs too, with one fast rule, so the alerts board has firing alerts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEvaluator, type Evaluator } from '@shopscope/alerts';
import { launchShop, serviceNames, stopShop, type LaunchedService } from '@shopscope/sample-shop';
import { buildAll, down, loadSettings, PORT_VARIABLES, up, type Ports } from '@shopscope/stack';
import { FakeSlack, freePort, shiftedPort, testEnvironment, type TestStackName } from '@shopscope/testkit';

export interface LiveEnvironment {
  /** The stack's environment (moved ports, own data folder), for `status`/`up` on it. */
  env: Record<string, string | undefined>;
  ports: Ports;
  gateway: string;
  adminToken: string;
  evaluator: Evaluator;
  stop(): Promise<void>;
}

const quiet = (): void => {};

/**
 * A rule that fires within seconds of a payment failure, so the SLO and alerts board shows a
 * firing alert and a page while the payment fault is on (the shipped rules need minutes).
 */
const fastRule = `groups:
  - name: dashboards-live
    interval: 2s
    rules:
      - alert: PaymentFailuresSeen
        expr: sum(increase(shop_payment_failures_total[1m])) > 0
        for: 2s
        labels: { severity: page }
        annotations:
          summary: "payments fail"
          runbook_url: "alerts/RUNBOOKS.md#paymentfailurespike"
          dashboard_url: "http://127.0.0.1:3000/d/shopscope-business"
`;

const policy = `route: { receiver: oncall, group_by: [alertname], group_wait: 1s, group_interval: 2s, repeat_interval: 1h }
receivers:
  - name: oncall
    slack_channel: '#shop-oncall'
`;

/**
 * Waits (bounded) until Prometheus scrapes all six services. A moved port can be taken by another
 * process's connection on a busy machine: then a service runs without its /metrics, and every
 * board would miss it, so this says which one instead.
 */
async function everyServiceScraped(ports: Ports, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let missing: string[] = [...serviceNames];
  while (Date.now() < deadline) {
    const response = await fetch(
      `http://127.0.0.1:${ports.prometheus}/api/v1/query?query=${encodeURIComponent('up{job="shop"} == 1')}`,
    ).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as { data?: { result?: { metric: { service?: string } }[] } } | undefined;
    const scraped = new Set((body?.data?.result ?? []).map((r) => r.metric.service));
    missing = serviceNames.filter((name) => !scraped.has(name));
    if (missing.length === 0) return;
    await new Promise((done) => setTimeout(done, 1_000));
  }
  throw new Error(`Prometheus cannot scrape ${missing.join(', ')} (metrics ports from ${ports.shopMetricsBase}; is one taken?)`);
}

export async function startLiveEnvironment(name: TestStackName): Promise<LiveEnvironment> {
  const env: Record<string, string | undefined> = {
    ...testEnvironment(name),
    SHOPSCOPE_SHOP_METRICS_BASE_PORT: String(shiftedPort(name, PORT_VARIABLES.shopMetricsBase[1])),
    SHOPSCOPE_ALERTS_PORT: String(shiftedPort(name, PORT_VARIABLES.alerts[1])),
  };
  // The storefront page sends its real-user telemetry to the collector, whose CORS admits only
  // the storefront's origin: the gateway's port is chosen first and given to both.
  const gatewayPort = await freePort();
  env.SHOPSCOPE_STOREFRONT_PORT = String(gatewayPort);
  const settings = loadSettings(env);
  const ports = settings.ports;
  await buildAll({ components: ['collector', 'jaeger', 'victorialogs', 'prometheus', 'kafka'], log: quiet });
  await down({ env, log: quiet });
  rmSync(settings.dataDir, { recursive: true, force: true });
  // a back end that fails to start leaves the others running: stop them before giving up
  await up({ env, log: quiet }).catch(async (err: unknown) => {
    await down({ env, log: quiet });
    throw err;
  });

  const scratch = mkdtempSync(join(tmpdir(), `shopscope-${name}-`));
  const adminToken = `${name}-admin`;
  const shopEnv: Record<string, string | undefined> = {
    SHOPSCOPE_DATA_DIR: scratch,
    // the stack's own broker: the events board shows what orders publish and fulfilment consumes
    SHOPSCOPE_KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    SHOPSCOPE_ADMIN_TOKEN: adminToken,
    SHOPSCOPE_RATE_LIMIT: '0',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpHttp}`,
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=shop,deployment.environment.name=demo',
    OTEL_BSP_SCHEDULE_DELAY: '500',
    // the settlement job every 5 seconds, so the batch board has runs to show
    SHOPSCOPE_SETTLEMENT_SCHEDULE: '*/5 * * * * *',
    // the page's collector address comes from the stack's port, as in the demo
    SHOPSCOPE_OTLP_HTTP_PORT: String(ports.otlpHttp),
  };
  for (const [index, service] of serviceNames.entries()) {
    shopEnv[`SHOPSCOPE_${service.toUpperCase()}_PORT`] = String(service === 'gateway' ? gatewayPort : await freePort());
    shopEnv[`SHOPSCOPE_${service.toUpperCase()}_METRICS_PORT`] = String(ports.shopMetricsBase + index);
  }
  const shop: LaunchedService[] = await launchShop({ env: shopEnv as NodeJS.ProcessEnv, onLine: quiet }).catch(async (err: unknown) => {
    await down({ env, log: quiet });
    throw err;
  });

  await everyServiceScraped(ports).catch(async (err: unknown) => {
    await stopShop(shop);
    await down({ env, log: quiet });
    throw err;
  });

  mkdirSync(join(scratch, 'rules'));
  writeFileSync(join(scratch, 'rules', 'live.rules.yml'), fastRule);
  writeFileSync(join(scratch, 'policy.yml'), policy);
  const slack = await new FakeSlack({ channels: { 'shop-oncall': 'C0SHOPONCALL' }, tokens: ['xoxb-dashboards'] }).start();
  const evaluator = await startEvaluator({
    rulesDir: join(scratch, 'rules'),
    policy: join(scratch, 'policy.yml'),
    stateFile: join(scratch, 'alerts-state.db'),
    prometheusUrl: `http://127.0.0.1:${ports.prometheus}`,
    victoriaLogsUrl: `http://127.0.0.1:${ports.victoriaLogs}`,
    slackToken: 'xoxb-dashboards',
    slackApiUrl: slack.apiUrl,
    port: ports.alerts,
    logLevel: 'silent',
  });

  return {
    env,
    ports,
    gateway: `http://127.0.0.1:${shopEnv.SHOPSCOPE_GATEWAY_PORT}`,
    adminToken,
    evaluator,
    async stop() {
      await evaluator.stop().catch(quiet);
      await slack.stop().catch(quiet);
      await stopShop(shop);
      await down({ env, log: quiet });
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
