// Settings for tests that run the stack: a separate data folder and every port moved by `shift`,
// so the tests neither disturb nor depend on a stack a developer has running on the usual ports.
import { join } from 'node:path';
import { loadSettings, PORT_VARIABLES } from '@shopscope/stack';

const repoRoot = loadSettings({}).repoRoot;

export function testEnvironment(name: string, shift = 20_000): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, SHOPSCOPE_STACK_DATA_DIR: join(repoRoot, '.data', `stack-test-${name}`) };
  for (const [key, [variable, port]] of Object.entries(PORT_VARIABLES)) {
    if (key === 'storefront' || key === 'alerts' || key === 'shopMetricsBase') continue;
    env[variable] = String(port + shift);
  }
  return env;
}

export async function eventually<T>(what: string, timeoutMs: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs / 1000}s${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((done) => setTimeout(done, 500));
  }
}
