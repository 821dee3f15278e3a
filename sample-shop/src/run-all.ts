// `npm run shop`: every service in the foreground; Ctrl-C or SIGTERM stops them all.
import { launchShop, stopShop, portOf, type LaunchedService } from './launcher.ts';
import { runLightTraffic } from './light-traffic.ts';

let services: LaunchedService[] = [];
let stopping = false;
const traffic = new AbortController();

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  traffic.abort();
  console.log('shop: stopping every service ...');
  await stopShop(services);
  console.log('shop: stopped');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

// Default: under the agent once it is built; SHOPSCOPE_SHOP_NODE_ARGS replaces the node flags.
const nodeArgs = process.env.SHOPSCOPE_SHOP_NODE_ARGS?.split(' ').filter(Boolean);
try {
  services = await launchShop({ nodeArgs });
} catch (err) {
  console.error(`shop: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
console.log(`shop: ready — storefront and API at http://127.0.0.1:${portOf('gateway')} (Ctrl-C stops every service)`);
for (const s of services) {
  void s.exited.then((code) => {
    if (!stopping) {
      console.error(`shop: ${s.name} exited unexpectedly (code ${code}); stopping the others`);
      void shutdown(1);
    }
  });
}

// `SHOPSCOPE_DEMO_TRAFFIC=1` (set by `npm start`): light steady traffic, bounded in time and count.
if (process.env.SHOPSCOPE_DEMO_TRAFFIC === '1') {
  const maxMinutes = Number(process.env.SHOPSCOPE_DEMO_TRAFFIC_MINUTES ?? 60);
  console.log(`shop: light demo traffic for up to ${maxMinutes} minutes`);
  void runLightTraffic({ baseUrl: `http://127.0.0.1:${portOf('gateway')}`, maxMinutes, signal: traffic.signal }).then((result) => {
    if (!stopping) console.log(`shop: demo traffic finished (${result.requests} requests, ${result.errors} errors)`);
  });
}
