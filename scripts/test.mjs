// `npm test`: installs what the tests need, then lint, type check and every vitest project.
import { installNpmPackages, installPostgres, installChromium, step, run, root } from './steps.mjs';
import { spawnSync } from 'node:child_process';

await installNpmPackages();
await installPostgres();
await installChromium();
await step('lint (eslint)', () => { run('npx', ['eslint', '.']); });
await step('type check (tsc)', () => { run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']); });
console.log('shopscope: tests (vitest) ...');
const result = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
