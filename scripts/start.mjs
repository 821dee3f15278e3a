// `npm start`: installs and builds what the demo needs, then runs it in the foreground:
// the back ends, the shop under the agent with light traffic, and the alert evaluator.
// Ctrl-C stops everything. The services' own output goes to .data/logs/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { installNpmPackages, buildAgent, buildPart, buildStack, root } from './steps.mjs';

const startedAt = Date.now();
await installNpmPackages();
await buildAgent();
await buildPart('sample-shop', '@shopscope/sample-shop');
await buildPart('alerts', '@shopscope/alerts');
await buildStack();

const hasStack = existsSync(join(root, 'stack', 'src', 'cli.ts'));
const hasAlerts = existsSync(join(root, 'alerts', 'src', 'main.ts'));
const logDir = join(root, '.data', 'logs');
mkdirSync(logDir, { recursive: true });
const stackDataDir = process.env.SHOPSCOPE_STACK_DATA_DIR || join(root, '.data', 'stack');
const demoPids = join(stackDataDir, 'run', 'demo.json');

if (hasStack) {
  console.log('shopscope: starting the back ends (Prometheus, VictoriaLogs, Jaeger, collector) ...');
  const up = spawnSync(process.execPath, ['--import', 'tsx', 'stack/src/cli.ts', 'up'], { cwd: root, stdio: 'inherit' });
  if (up.status !== 0) process.exit(1);
}

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
const { launchShop, stopShop, portOf } = await import(new URL('../sample-shop/dist/launcher.js', import.meta.url).href);
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
const readySeconds = ((Date.now() - startedAt) / 1000).toFixed(1);

const token = process.env.SHOPSCOPE_ADMIN_TOKEN || 'shopscope-admin';
const port = (name, fallback) => process.env[name] || String(fallback);
const jaeger = `http://127.0.0.1:${port('SHOPSCOPE_JAEGER_PORT', 16686)}`;
console.log(`
shopscope demo is running, ready in ${readySeconds}s (Ctrl-C stops everything)
  storefront      http://127.0.0.1:8080/
  shop API        http://127.0.0.1:8080/api/products   every answer carries x-transaction-id (its trace id)
  fault flags     curl -H "Authorization: Bearer ${token}" http://127.0.0.1:8080/admin/flags
                  curl -X PUT -H "Authorization: Bearer ${token}" -H 'content-type: application/json' -d '{"paymentFailureRate":0.5}' http://127.0.0.1:8080/admin/flags
  shop metrics    http://127.0.0.1:9464/metrics (gateway) … 9469 (inventory)${hasStack ? `
  Prometheus      http://127.0.0.1:${port('SHOPSCOPE_PROMETHEUS_PORT', 9090)}/graph   e.g. sum by (service) (rate(http_server_request_duration_seconds_count[1m]))
  Jaeger (API)    ${jaeger}/api/traces/<x-transaction-id>   ${jaeger}/api/services   ${jaeger}/api/dependencies?endTs=<ms>&lookback=3600000
                  no web UI is bundled (the Jaeger Go module ships none): use the API, or Grafana's Jaeger data source on ${jaeger}
  VictoriaLogs    http://127.0.0.1:${port('SHOPSCOPE_VICTORIALOGS_PORT', 9428)}/select/vmui/   (web UI; LogsQL e.g. trace_id:"<x-transaction-id>")
  collector       OTLP 127.0.0.1:4317 (gRPC) / 4318 (HTTP), own metrics http://127.0.0.1:8888/metrics
  stack           npm run stack -- status   (each process's memory) | logs [component]` : ''}${hasAlerts ? `
  alerts          http://127.0.0.1:9094/api/alerts   and /api/notifications` : ''}
  logs            ${logDir}/
`);

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log('shopscope: stopping ...');
  traffic.abort();
  await stopShop(services);
  await Promise.all(
    children.map(({ child }) =>
      child.exitCode !== null ? undefined : new Promise((resolve) => {
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
