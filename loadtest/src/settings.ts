// Where the drills and the load go: every address from the environment (the stack's settings for
// the back ends, the shop's port variables for the gateway), never a port written in code.
import { loadSettings, type Ports } from '@shopscope/stack';

export interface Targets {
  gateway: string;
  prometheus: string;
  evaluator: string;
  otlpHttp: string;
  adminToken: string;
  /** The environment the addresses came from: passed on to the stack when a drill stops a back end. */
  env: Record<string, string | undefined>;
  ports: Ports;
}

export function targetsFrom(env: Record<string, string | undefined> = process.env): Targets {
  const settings = loadSettings(env);
  const gatewayPort = env.SHOPSCOPE_GATEWAY_PORT || '8080';
  return {
    gateway: env.SHOPSCOPE_GATEWAY_URL || `http://127.0.0.1:${gatewayPort}`,
    prometheus: `http://127.0.0.1:${settings.ports.prometheus}`,
    evaluator: `http://127.0.0.1:${env.ALERTS_PORT || settings.ports.alerts}`,
    otlpHttp: `http://127.0.0.1:${settings.ports.otlpHttp}`,
    adminToken: env.SHOPSCOPE_ADMIN_TOKEN || 'shopscope-admin',
    env,
    ports: settings.ports,
  };
}

/** True when something answers HTTP at the URL within a second. */
export async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
