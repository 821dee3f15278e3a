// The demo the drills and the load run against: the one already answering on the gateway's port,
// or one started here (`node scripts/start.mjs`, as `npm start`) and stopped again afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '@shopscope/stack';
import { answers, type Targets } from '../settings.ts';

export interface Demo {
  /** True when this process started the demo (and so will stop it). */
  started: boolean;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** Where the started demo's output goes. */
  logFile: string;
  /** The evaluator posts its pages here (a Slack-compatible API base), when the demo is started here. */
  slackApiUrl?: string;
  log?: (line: string) => void;
  /** How long the builds and the start may take. */
  startTimeoutMs?: number;
}

export const DRILL_SLACK_TOKEN = 'xoxb-shopscope-drill';

export async function ensureDemo(targets: Targets, options: DemoOptions): Promise<Demo> {
  if (await answers(`${targets.gateway}/api/products?limit=1`)) return { started: false, stop: async () => {} };
  const log = options.log ?? (() => {});
  log(`no demo answers on ${targets.gateway}: starting one (npm start), output in ${options.logFile}`);
  const out = openSync(options.logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    ...targets.env,
    // Load would meet the per-client rate limit long before the shop's own limits.
    SHOPSCOPE_RATE_LIMIT: '0',
    SHOPSCOPE_DEMO_TRAFFIC_MINUTES: targets.env.SHOPSCOPE_DEMO_TRAFFIC_MINUTES ?? '180',
    ...(options.slackApiUrl ? { SLACK_BOT_TOKEN: DRILL_SLACK_TOKEN, SLACK_API_URL: options.slackApiUrl } : {}),
  };
  const child = spawn(process.execPath, [join(loadSettings(targets.env).repoRoot, 'scripts', 'start.mjs')], {
    cwd: loadSettings(targets.env).repoRoot,
    env,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const stop = () => stopChild(child);
  try {
    await waitUntil(
      async () => (await answers(`${targets.gateway}/api/products?limit=1`)) && (await answers(`${targets.evaluator}/-/healthy`)),
      options.startTimeoutMs ?? 15 * 60_000,
      child,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  log('demo started');
  return { started: true, stop };
}

async function waitUntil(ready: () => Promise<boolean>, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the demo stopped while starting (exit ${child.exitCode}): see its log`);
    if (await ready()) return;
    await new Promise((done) => setTimeout(done, 1000));
  }
  throw new Error(`the demo did not answer within ${timeoutMs / 1000}s`);
}

/** SIGINT, as Ctrl-C would (the demo stops the shop, the evaluator and the back ends), then SIGKILL. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGINT');
  });
}
