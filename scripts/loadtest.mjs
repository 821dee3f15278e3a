// `npm run load -- <profile>` and `npm run drill -- <name>|all`: builds what the demo needs (as
// `npm start` does), then runs the loadtest workspace's command with one progress line.
import { spawnSync } from 'node:child_process';
import { prepareDemo, root } from './steps.mjs';

const [command, ...args] = process.argv.slice(2);
if (command !== 'load' && command !== 'drill') {
  console.error('usage: node scripts/loadtest.mjs load|drill <args>');
  process.exit(2);
}
await prepareDemo();
// Ctrl-C reaches the command too: it rolls back and stops what it started, then exits.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
const result = spawnSync(process.execPath, ['--import', 'tsx', `loadtest/src/cli/${command}.ts`, ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true' },
});
process.exit(result.status ?? 1);
