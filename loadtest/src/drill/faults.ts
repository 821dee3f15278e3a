// Injecting a drill's fault and rolling it back: the shop's fault flags through its admin API,
// or one back end of the stack stopped and started again through @shopscope/stack.
import { down, up } from '@shopscope/stack';
import type { Targets } from '../settings.ts';
import type { DrillFault, DrillRollback } from './schema.ts';

export async function setFlags(targets: Targets, flags: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${targets.gateway}/admin/flags`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${targets.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(flags),
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200) throw new Error(`setting fault flags answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
}

const quiet = (): void => {};

export async function injectFault(targets: Targets, fault: DrillFault): Promise<void> {
  if ('flags' in fault) await setFlags(targets, fault.flags);
  else await down({ env: targets.env, components: [fault.stop], log: quiet });
}

export async function rollBack(targets: Targets, rollback: DrillRollback): Promise<void> {
  if ('flags' in rollback) await setFlags(targets, rollback.flags);
  else await up({ env: targets.env, components: [rollback.start], log: quiet });
}
