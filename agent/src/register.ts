import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { HOOKED_MODULES } from './instrumentations/chosen.ts';
import { startAgent } from './agent.ts';

// `node --import @shopscope/agent/register app.js` (ESM or CJS apps) and
// `node --require @shopscope/agent/register app.js` (CJS apps) land here. The ESM loader hook
// lets the instrumentations see `import pg from 'pg'` in ESM apps; it intercepts only the
// modules they patch. A failure here must not stop the app from starting.
// Only the main thread is instrumented: Node also runs `--require` preloads inside the loader
// hooks' worker thread (and apps' workers may inherit the flag), where a second agent would
// only fight the first one for the metrics port.

if (isMainThread) start();

function start(): void {
  try {
    register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include: HOOKED_MODULES } });
  } catch (error) {
    process.stderr.write(
      `[shopscope] SHOPSCOPE_ERR_INSTRUMENTATION: ESM loader hook not registered (${String(error)}); ESM imports of ${HOOKED_MODULES.join(', ')} stay uninstrumented\n`,
    );
  }
  try {
    startAgent();
  } catch (error) {
    process.stderr.write(`[shopscope] SHOPSCOPE_ERR_CALLBACK: agent failed to start (${String(error)}); the app runs without it\n`);
  }
}
