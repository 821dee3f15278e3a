/**
 * The shop's one doorway to `@shopscope/agent`'s explicit conventions (traced business
 * methods, commerce events, the A/B experiment, the convention logger).
 *
 * Under the agent (`node --import @shopscope/agent/register`, as `npm run shop` and
 * `npm start` run every service) these are the agent's own. Without it (the shop's in-process
 * tests, or a checkout where the agent is not built yet) they are no-ops, so the shop never
 * depends on the agent to work. The choice is made once, at start.
 */
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
};

/** The part of `@shopscope/agent`'s API the shop uses (typed here so the shop builds without it). */
interface AgentApi {
  traced<F extends AnyFunction>(name: string, fn: F): F;
  commerce: Pick<ShopTelemetry, 'orderPlaced' | 'paymentFailed' | 'cartUpdated' | 'checkoutStep'>;
  experiment: { assign(name: string, variant: string): void };
  logger: Record<'info' | 'warn' | 'error', (fields: Record<string, unknown>, msg: string) => void>;
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
    };
  } catch (err) {
    process.stderr.write(`shop: @shopscope/agent's API could not be loaded (${String(err)}); business spans and events are off\n`);
    return noop;
  }
}

export const telemetry: ShopTelemetry = await load();
