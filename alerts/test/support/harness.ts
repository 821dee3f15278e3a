import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startEvaluator, type Evaluator } from '../../src/evaluator.ts';
import type { EvaluatorOptions } from '../../src/options.ts';

/** A scratch folder with a rules directory, a policy and a state file for one test. */
export function scratch(rules: Record<string, string>, policy: string): { dir: string; rulesDir: string; policy: string; stateFile: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'shopscope-alerts-test-'));
  const rulesDir = join(dir, 'rules');
  mkdirSync(rulesDir);
  for (const [name, text] of Object.entries(rules)) writeFileSync(join(rulesDir, name), text);
  writeFileSync(join(dir, 'policy.yml'), policy);
  return { dir, rulesDir, policy: join(dir, 'policy.yml'), stateFile: join(dir, 'state.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const quietLogger = pino({ level: process.env.ALERTS_TEST_LOG ?? 'silent' });

export function start(options: Partial<EvaluatorOptions>): Promise<Evaluator> {
  return startEvaluator({ port: 0, watch: false, promqlChecker: 'promtool', ...options }, { logger: quietLogger });
}

/** Polls until `probe` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  return (await response.json()) as T;
}

export interface ApiAlert { fingerprint: string; labels: Record<string, string>; state: string; value: number; silencedBy: string[]; inhibitedBy?: string }
export interface ApiNotification { id: number; kind: string; reason: string; status: string; ts: string | null; threadTs: string | null; channel: string; text: string; attempts: number; lastError: string | null }
