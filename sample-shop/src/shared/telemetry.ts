/**
 * The shop's one doorway to `@shopscope/agent`'s explicit conventions (traced business
 * methods, commerce events, the A/B experiment, the convention logger).
 *
 * Under the agent (`node --import @shopscope/agent/register`, as `npm run shop` and
 * `npm start` run every service) these are the agent's own. Without it (the shop's in-process
 * tests, or a checkout where the agent is not built yet) they are no-ops, so the shop never
 * depends on the agent to work. The choice is made once, at start.
 */
import { randomUUID } from 'node:crypto';
type AnyFunction = (...args: never[]) => unknown;

export interface ShopTelemetry {
  readonly active: boolean;
  traced<F extends AnyFunction>(name: string, fn: F): F;
  orderPlaced(event: { orderId: string; amount: number; currency: string; items?: number }): void;
  paymentFailed(event: { orderId?: string; reason: string; amount?: number; currency?: string }): void;
  cartUpdated(event: { cartId?: string; action: 'add' | 'remove' | 'update' | 'clear'; sku?: string; quantity?: number }): void;
  checkoutStep(event: { step: string; orderId?: string }): void;
  assignExperiment(name: string, variant: string): void;
  /** The convention logger's `info`/`error`, for the few lines the shop writes itself. */
  log(level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string): void;
  /** A counter / a latency histogram (seconds) of the shop's own, on the agent's /metrics. */
  counter(spec: MetricSpec): ShopCounter;
  histogram(spec: MetricSpec): ShopHistogram;
  /** Attributes on the current span (inside `traced()`: that span). */
  setSpanAttributes(attributes: Record<string, string | number | boolean>): void;
  /** One run of a batch job (a trace, the job_* metrics, logs with the run id); as `fn` resolves or rejects. */
  runJob<T>(name: string, fn: (run: ShopJobRun) => Promise<T>, options: { runId?: string; trigger: 'schedule' | 'manual' }): Promise<T>;
  /** The job's series at zero before its first run, and its schedule's period. */
  declareJob(name: string, declaration: { periodSeconds?: number }): void;
}

/** What a batch job's code sees of its run (`@shopscope/agent`'s JobRun, or a bare stand-in). */
export interface ShopJobRun {
  readonly runId: string;
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
  records(processed: number, failed?: number): void;
  /** The convention logger with the job's name and run id on every line. */
  readonly log: { info(fields: Record<string, unknown>, msg: string): void };
}

export interface MetricSpec {
  name: string;
  help: string;
  labelNames: readonly string[];
}
export interface ShopCounter {
  inc(labels: Readonly<Record<string, string>>, amount?: number): void;
}
export interface ShopHistogram {
  observe(labels: Readonly<Record<string, string>>, seconds: number): void;
}

const noop: ShopTelemetry = {
  active: false,
  traced: (_name, fn) => fn,
  orderPlaced: () => undefined,
  paymentFailed: () => undefined,
  cartUpdated: () => undefined,
  checkoutStep: () => undefined,
  assignExperiment: () => undefined,
  log: () => undefined,
  counter: () => ({ inc: () => undefined }),
  histogram: () => ({ observe: () => undefined }),
  setSpanAttributes: () => undefined,
  runJob: (_name, fn, options) =>
    fn({
      runId: options.runId ?? randomUUID(),
      step: (_step, stepFn) => stepFn(),
      records: () => undefined,
      log: { info: () => undefined },
    }),
  declareJob: () => undefined,
};

/** The part of `@shopscope/agent`'s API the shop uses (typed here so the shop builds without it). */
interface AgentApi {
  traced<F extends AnyFunction>(name: string, fn: F): F;
  commerce: Pick<ShopTelemetry, 'orderPlaced' | 'paymentFailed' | 'cartUpdated' | 'checkoutStep'>;
  experiment: { assign(name: string, variant: string): void };
  logger: Record<'info' | 'warn' | 'error', (fields: Record<string, unknown>, msg: string) => void>;
  metrics: { counter(spec: MetricSpec): ShopCounter; histogram(spec: MetricSpec): ShopHistogram };
  setSpanAttributes(attributes: Record<string, string | number | boolean>): void;
  runJob: ShopTelemetry['runJob'];
  declareJob: ShopTelemetry['declareJob'];
}

const agentPackage = '@shopscope/agent';
const underAgent = process.execArgv.some((arg) => arg.includes('@shopscope/agent/register'));

async function load(): Promise<ShopTelemetry> {
  if (!underAgent) return noop;
  try {
    const agent = (await import(agentPackage)) as AgentApi;
    return {
      active: true,
      traced: (name, fn) => agent.traced(name, fn),
      orderPlaced: (e) => agent.commerce.orderPlaced(e),
      paymentFailed: (e) => agent.commerce.paymentFailed(e),
      cartUpdated: (e) => agent.commerce.cartUpdated(e),
      checkoutStep: (e) => agent.commerce.checkoutStep(e),
      assignExperiment: (name, variant) => agent.experiment.assign(name, variant),
      log: (level, fields, msg) => agent.logger[level](fields, msg),
      counter: (spec) => agent.metrics.counter(spec),
      histogram: (spec) => agent.metrics.histogram(spec),
      setSpanAttributes: (attributes) => agent.setSpanAttributes(attributes),
      runJob: (name, fn, options) => agent.runJob(name, fn, options),
      declareJob: (name, declaration) => agent.declareJob(name, declaration),
    };
  } catch (err) {
    process.stderr.write(`shop: @shopscope/agent's API could not be loaded (${String(err)}); business spans and events are off\n`);
    return noop;
  }
}

export const telemetry: ShopTelemetry = await load();
