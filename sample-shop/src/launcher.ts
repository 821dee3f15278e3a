import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { type ServiceName, defaultPorts, metricsPorts } from './shared/config.ts';
import { sleep } from './shared/sleep.ts';
import { createRequire } from 'node:module';
import { checkoutExperiment } from './gateway/experiment.ts';
import { entryPoint, type EntryPoint } from './entry-point.ts';

/** Whether the agent's register entry is built: found through its package, as node will load it. */
function agentBuilt(): boolean {
  try {
    createRequire(import.meta.url).resolve('@shopscope/agent/register');
    return true;
  } catch {
    return false;
  }
}

/** Every service runs under the agent once it is built (`npm run build -w @shopscope/agent`). */
export function defaultNodeArgs(): string[] {
  if (process.env.SHOPSCOPE_AGENT === 'off') return [];
  return agentBuilt() ? ['--import', '@shopscope/agent/register'] : [];
}

export interface LaunchOptions {
  env?: NodeJS.ProcessEnv;
  /** Extra node flags before the service, e.g. `--import @shopscope/agent/register`. */
  nodeArgs?: string[];
  /** Where each line a service prints goes; default: stdout with a `[service]` prefix. */
  onLine?: (service: ServiceName, line: string) => void;
  /**
   * A file descriptor the services write to directly (stdout and stderr), instead of lines
   * through this process: the demo's log file, with no copy of every line in the parent.
   */
  outputFd?: number;
  services?: readonly ServiceName[];
  /** How long each service may take to answer /healthz (default 30 s; a busy machine needs more). */
  healthTimeoutMs?: number;
}

export interface LaunchedService {
  name: ServiceName;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Node flags every service gets: a small young generation (1 MB semi-spaces instead of up to
 * 16 MB) keeps each service's resident memory ≈ 15 MB lower at the demo's request rates.
 */
const MEMORY_FLAGS = ['--max-semi-space-size=1'];

/**
 * Settings a service gets unless the environment says otherwise. The gateway is the shop's
 * edge: the agent there starts a new trace for each outside request (linking the caller's
 * context) rather than adopting a trace id or sampling decision a shopper sent; only the
 * storefront page's own fetches (the browser marks them `Sec-Fetch-Site: same-origin`) continue
 * the page's trace, so a purchase is one trace from the click to the SQL statement.
 */
const serviceDefaults: Partial<Record<ServiceName, NodeJS.ProcessEnv>> = {
  gateway: { SHOPSCOPE_TRUST_INBOUND_TRACE: 'same-origin' },
  // The demo settles yesterday every minute (the service's own default is nightly), so the batch
  // board has runs to show and the settlement-failing drill pages within minutes.
  orders: { SHOPSCOPE_SETTLEMENT_SCHEDULE: '* * * * *' },
};

/** The environment a service process starts with: the shop's defaults under `env`. */
export function serviceEnv(name: ServiceName, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    OTEL_SERVICE_NAME: name,
    SHOPSCOPE_PROFILE: 'dev',
    OTEL_RESOURCE_ATTRIBUTES: 'service.namespace=shop,deployment.environment.name=demo',
    SHOPSCOPE_EXPERIMENTS: `${checkoutExperiment.name}=${checkoutExperiment.variants.join('|')}`,
    ...serviceDefaults[name],
    ...env,
    // the agent reads SHOPSCOPE_METRICS_PORT; each service gets its own
    SHOPSCOPE_METRICS_PORT: env[`SHOPSCOPE_${name.toUpperCase()}_METRICS_PORT`] ?? String(metricsPorts[name]),
  };
}

export function launchService(name: ServiceName, options: LaunchOptions = {}, main: EntryPoint = entryPoint('main')): LaunchedService {
  const env = { ...process.env, ...options.env };
  const child = spawn(process.execPath, [...MEMORY_FLAGS, ...(options.nodeArgs ?? defaultNodeArgs()), ...main.nodeArgs, main.file, name], {
    env: serviceEnv(name, env),
    stdio: options.outputFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', options.outputFd, options.outputFd],
  });
  const onLine = options.onLine ?? ((service, line) => process.stdout.write(`[${service}] ${line}\n`));
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => onLine(name, line));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, exited };
}

export async function waitHealthy(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < until) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
      lastError = `status ${response.status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`${url} not healthy after ${timeoutMs} ms (${lastError})`);
}

export function portOf(name: ServiceName, env: NodeJS.ProcessEnv = process.env): number {
  return Number(env[`SHOPSCOPE_${name.toUpperCase()}_PORT`] ?? defaultPorts[name]);
}

/** Starts every service (dependencies first) and waits until each answers /healthz. */
export async function launchShop(options: LaunchOptions = {}): Promise<LaunchedService[]> {
  const order: ServiceName[] = ['inventory', 'payments', 'catalog', 'cart', 'orders', 'fulfilment', 'gateway'];
  const wanted = options.services ?? order;
  const main = entryPoint('main');
  const launched = order.filter((n) => wanted.includes(n)).map((name) => launchService(name, options, main));
  const env = { ...process.env, ...options.env };
  try {
    await Promise.all(
      launched.map((s) =>
        Promise.race([
          waitHealthy(`http://127.0.0.1:${portOf(s.name, env)}`, options.healthTimeoutMs),
          s.exited.then((code) => {
            throw new Error(`${s.name} exited with code ${code} while starting`);
          }),
        ]),
      ),
    );
  } catch (err) {
    await stopShop(launched);
    throw err;
  }
  return launched;
}

/** SIGTERM to each, SIGKILL to any still running after the deadline. */
export async function stopShop(services: LaunchedService[], deadlineMs = 10_000): Promise<void> {
  await Promise.all(
    services.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      s.child.kill('SIGTERM');
      const timer = setTimeout(() => s.child.kill('SIGKILL'), deadlineMs);
      await s.exited;
      clearTimeout(timer);
    }),
  );
}
