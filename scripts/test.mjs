// `npm test`: installs what the tests need, then lint, type check and every vitest project.
import {
  installNpmPackages,
  installPostgres,
  installMariaDb,
  installRedis,
  installChromium,
  buildAgent,
  buildPart,
  buildStack,
  step,
  run,
  root,
} from './steps.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

await installNpmPackages();
await installPostgres();
await installMariaDb();
await installRedis();
await installChromium();
await buildAgent();
await buildPart('sample-shop', '@shopscope/sample-shop');
await buildStack();
await step('lint (eslint)', () => {
  run('npx', ['eslint', '.']);
});
await step('format check (prettier, 140 columns)', () => {
  run('npx', ['prettier', '--check', '**/*.{ts,mjs,js,cjs}']);
});
await step('type check (tsc)', () => {
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
});
console.log('shopscope: tests (vitest) ...');
const summaryFile = join(mkdtempSync(join(tmpdir(), 'shopscope-vitest-')), 'results.json');
const result = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${summaryFile}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// One plain closing line that any reader understands, whatever the runner printed.
if (existsSync(summaryFile)) {
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const skipped = summary.numPendingTests + summary.numTodoTests;
  console.log(`${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${skipped} skipped`);
}
process.exit(result.status ?? 1);
