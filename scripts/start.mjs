// `npm start`: installs and builds what the demo needs, then runs it in the foreground:
// the back ends, the shop under the agent with light traffic, and the alert evaluator.
// Ctrl-C stops everything. The services' own output goes to .data/logs/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { prepareDemo, root } from './steps.mjs';

const startedAt = Date.now();
await prepareDemo();

const hasStack = existsSync(join(root, 'stack', 'src', 'cli.ts'));
const hasAlerts = existsSync(join(root, 'alerts', 'src', 'main.ts'));
const logDir = join(root, '.data', 'logs');
mkdirSync(logDir, { recursive: true });
const stackDataDir = process.env.SHOPSCOPE_STACK_DATA_DIR || join(root, '.data', 'stack');
const demoPids = join(stackDataDir, 'run', 'demo.json');

if (hasStack) {
  console.log('shopscope: starting the back ends (Prometheus, VictoriaLogs, Jaeger, collector, Kafka) ...');
  const up = spawnSync(process.execPath, ['--import', 'tsx', 'stack/src/cli.ts', 'up'], { cwd: root, stdio: 'inherit' });
  if (up.status !== 0) process.exit(1);
}
// The back ends' ports as the stack defines them: its settings module, loaded through tsx (the
// stack is not compiled) while the shop starts, so it costs the start no time of its own.
const stackPortsLoading = hasStack ? stackSettingsPorts() : undefined;

const children = [];
let stopping = false;
function start(name, args, extraEnv = {}) {
  const log = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...extraEnv }, stdio: ['ignore', log, log] });
  children.push({ name, child });
  return child;
}

console.log('shopscope: starting the sample shop under the agent, with light demo traffic ...');
// The six services are this process's children, launched through the compiled shop (built
// above): no separate supervisor process, one Node process less in the demo's footprint.
const { launchShop, stopShop, portOf, serviceEnv } = await import(new URL('../sample-shop/dist/launcher.js', import.meta.url).href);
const { runLightTraffic } = await import(new URL('../sample-shop/dist/light-traffic.js', import.meta.url).href);
// The services write to the log file themselves: no line passes through this process.
const shopLog = openSync(join(logDir, 'shop.log'), 'a');
const traffic = new AbortController();
let services = [];
try {
  services = await launchShop({ outputFd: shopLog });
} catch (err) {
  console.error(`shopscope: the shop did not start: ${err instanceof Error ? err.message : String(err)}; see ${join(logDir, 'shop.log')}`);
  await stopAll(1);
}
for (const service of services) {
  void service.exited.then((code) => {
    if (!stopping) {
      console.error(`shopscope: ${service.name} stopped (code ${code}); see ${join(logDir, 'shop.log')}`);
      void stopAll(1);
    }
  });
}
if ((process.env.SHOPSCOPE_DEMO_TRAFFIC ?? '1') === '1') {
  const maxMinutes = Number(process.env.SHOPSCOPE_DEMO_TRAFFIC_MINUTES ?? 60);
  void runLightTraffic({ baseUrl: `http://127.0.0.1:${portOf('gateway')}`, maxMinutes, signal: traffic.signal }).then((result) => {
    if (!stopping) writeSync(shopLog, `shop: demo traffic finished (${result.requests} requests, ${result.errors} errors)\n`);
  });
}
if (hasAlerts) {
  console.log('shopscope: starting the alert evaluator ...');
  // The compiled evaluator (built above) with a small young generation, as the services run.
  const compiled = existsSync(join(root, 'alerts', 'dist', 'main.js'));
  start('alerts', compiled ? ['--max-semi-space-size=1', 'alerts/dist/main.js'] : ['--import', 'tsx', 'alerts/src/main.ts']);
}
// `npm run stack -- status` shows these processes' memory beside the back ends'.
mkdirSync(join(stackDataDir, 'run'), { recursive: true });
writeFileSync(
  demoPids,
  JSON.stringify([
    { name: 'npm-start', pid: process.pid },
    ...services.map((service) => ({ name: `shop/${service.name}`, pid: service.child.pid })),
    ...children.map(({ name, child }) => ({ name, pid: child.pid })),
  ]),
);
const stackPorts = await stackPortsLoading;
const alertsPort = hasAlerts ? await evaluatorPort() : undefined;
const readySeconds = ((Date.now() - startedAt) / 1000).toFixed(1);

const token = process.env.SHOPSCOPE_ADMIN_TOKEN || 'shopscope-admin';
const shop = `http://127.0.0.1:${portOf('gateway')}`;
const metricsPort = (service) => serviceEnv(service, process.env).SHOPSCOPE_METRICS_PORT;
const jaeger = `http://127.0.0.1:${stackPorts?.jaegerQuery}`; // used only with the stack
console.log(`
shopscope demo is running, ready in ${readySeconds}s (Ctrl-C stops everything)
  storefront      ${shop}/
  shop API        ${shop}/api/products   every answer carries x-transaction-id (its trace id)
  GraphQL         curl -H 'content-type: application/json' -d '{"query":"{ products(limit: 3) { items { name stock } } }"}' ${shop}/graphql
  settlement job  npm run job -- settlement   (the nightly batch job, now)
  fault flags     curl -H "Authorization: Bearer ${token}" ${shop}/admin/flags
                  curl -X PUT -H "Authorization: Bearer ${token}" -H 'content-type: application/json' -d '{"paymentFailureRate":0.5}' ${shop}/admin/flags
  shop metrics    http://127.0.0.1:${metricsPort('gateway')}/metrics (gateway) … ${metricsPort('fulfilment')} (fulfilment)${
    hasStack
      ? `
  Prometheus      http://127.0.0.1:${stackPorts.prometheus}/graph   e.g. sum by (service) (rate(http_server_request_duration_seconds_count[1m]))
  Jaeger (API)    ${jaeger}/api/traces/<x-transaction-id>   ${jaeger}/api/services   ${jaeger}/api/dependencies?endTs=<ms>&lookback=3600000
                  no web UI is bundled (the Jaeger Go module ships none): use the API, or Grafana's Jaeger data source on ${jaeger}
  VictoriaLogs    http://127.0.0.1:${stackPorts.victoriaLogs}/select/vmui/   (web UI; LogsQL e.g. trace_id:"<x-transaction-id>")
  collector       OTLP 127.0.0.1:${stackPorts.otlpGrpc} (gRPC) / ${stackPorts.otlpHttp} (HTTP), own metrics http://127.0.0.1:${stackPorts.collectorMetrics}/metrics
  Kafka           127.0.0.1:${stackPorts.kafka}   order events: http://127.0.0.1:${portOf('fulfilment')}/events (consumed, lag)  /mail (receipts)
  stack           npm run stack -- status   (each process's memory) | logs [component]`
      : ''
  }${
    hasAlerts
      ? `
  alerts          http://127.0.0.1:${alertsPort}/api/alerts   and /api/notifications`
      : ''
  }
  logs            ${logDir}/
`);

/** The stack's ports from its own settings (`loadSettings`), the same environment `stack up` read. */
async function stackSettingsPorts() {
  const { tsImport } = await import('tsx/esm/api');
  const { loadSettings } = await tsImport('../stack/src/settings.ts', import.meta.url);
  return loadSettings(process.env).ports;
}

/** Where the evaluator listens: ALERTS_PORT, else its default, read by its own options module. */
async function evaluatorPort() {
  const compiled = new URL('../alerts/dist/options.js', import.meta.url);
  const { DEFAULTS, optionsFromEnv } = existsSync(compiled)
    ? await import(compiled.href)
    : await (await import('tsx/esm/api')).tsImport('../alerts/src/options.ts', import.meta.url);
  try {
    return optionsFromEnv(process.env).port ?? DEFAULTS.port;
  } catch {
    return process.env.ALERTS_PORT; // a value the evaluator refuses: its log says why
  }
}

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('shopscope: stopping ...');
  traffic.abort();
  await stopShop(services);
  await Promise.all(
    children.map(({ child }) =>
      child.exitCode !== null
        ? undefined
        : new Promise((resolve) => {
            child.once('exit', resolve);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
    ),
  );
  rmSync(demoPids, { force: true });
  if (hasStack) spawnSync(process.execPath, ['--import', 'tsx', 'stack/src/cli.ts', 'down'], { cwd: root, stdio: 'inherit' });
  console.log('shopscope: stopped');
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stopAll(0));
