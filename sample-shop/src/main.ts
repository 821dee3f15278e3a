// Starts one shop service: `node --import tsx sample-shop/src/main.ts <service>`.
import { loadConfig, flagsPath, serviceNames, type ServiceName } from './shared/config.ts';
import { FlagStore } from './shared/flags.ts';
import { buildService } from './services.ts';
import { telemetry } from './shared/telemetry.ts';

const name = process.argv[2] as ServiceName;
if (!serviceNames.includes(name)) {
  console.error(`usage: main.ts <${serviceNames.join('|')}>`);
  process.exit(2);
}

let config;
try {
  config = loadConfig();
} catch (err) {
  // A server refuses a bad setting with one line that names it (the code as in every part).
  console.error(`${name}: ${err instanceof Error ? err.message : String(err)} [SHOPSCOPE_ERR_CONFIG_INVALID]`);
  process.exit(2);
}

const flags = new FlagStore(flagsPath(config)).start();
const { app, db } = await buildService(name, config, flags, { logger: true });
await app.listen({ host: config.host, port: config.ports[name] });
telemetry.log('info', { event: 'service.started', port: config.ports[name] }, `${name} listening on ${config.host}:${config.ports[name]}`);

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, `${name} stopping`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  flags.stop();
  await app.close();
  await db?.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
