// What the end-to-end files share to set up: whether the shop can run under the agent, and a
// test stack's environment with the shop's metrics ports moved by the same shift.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PORT_VARIABLES } from '@shopscope/stack';
import { shiftedPort, testEnvironment, type TestStackName } from '@shopscope/testkit';

/** The shop runs under the agent's build; without it the pipeline has nothing to carry. */
export const agentBuilt = (() => {
  try {
    return existsSync(createRequire(import.meta.url).resolve('@shopscope/agent/register'));
  } catch {
    return false;
  }
})();

export function shopStackEnvironment(name: TestStackName): Record<string, string | undefined> {
  return {
    ...testEnvironment(name),
    SHOPSCOPE_SHOP_METRICS_BASE_PORT: String(shiftedPort(name, PORT_VARIABLES.shopMetricsBase[1])),
  };
}
