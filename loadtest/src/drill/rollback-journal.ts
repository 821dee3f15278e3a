// A fault that is on is written down before it goes on and struck out once it is rolled back.
// A runner killed in between (SIGKILL, a lost session) leaves the note behind, and the next run
// rolls that fault back before it does anything else: a shop flag such as a 50 % error rate
// persists in the shop's flag file and would otherwise outlive the drill that set it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSettings } from '@shopscope/stack';
import { z } from 'zod';
import type { Targets } from '../settings.ts';
import { rollBack } from './faults.ts';
import { rollbackSchema, type DrillRollback } from './schema.ts';

const journalSchema = z.object({ drill: z.string(), rollback: rollbackSchema, faultOnAt: z.string() }).strict();

/** Beside the stack's data: a test stack's journal never meets the demo's. */
export function journalPath(targets: Targets): string {
  return join(loadSettings(targets.env).dataDir, 'drills', 'pending-rollback.json');
}

export function recordPendingRollback(targets: Targets, drill: string, rollback: DrillRollback): void {
  const path = journalPath(targets);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ drill, rollback, faultOnAt: new Date().toISOString() }, null, 2));
}

export function clearPendingRollback(targets: Targets): void {
  rmSync(journalPath(targets), { force: true });
}

/**
 * Rolls back the fault an earlier, interrupted run left on. Returns what it did (for one line of
 * output), or undefined when nothing was pending. A journal that cannot be read is an error that
 * names the file: guessing what to undo is worse than asking.
 */
export async function rollBackLeftover(targets: Targets): Promise<string | undefined> {
  const path = journalPath(targets);
  if (!existsSync(path)) return undefined;
  let entry: z.infer<typeof journalSchema>;
  try {
    entry = journalSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new Error(
      `the rollback journal ${path} cannot be read (${(err as Error).message.split('\n')[0]}): undo its fault by hand, then delete it`,
    );
  }
  await rollBack(targets, entry.rollback);
  clearPendingRollback(targets);
  return `rolled back ${JSON.stringify(entry.rollback)}, left on by drill ${entry.drill} since ${entry.faultOnAt}`;
}
