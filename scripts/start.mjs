// `npm start`: installs what the demo needs, then runs it in the foreground until Ctrl-C.
import { spawn } from 'node:child_process';
import { installNpmPackages, root } from './steps.mjs';

await installNpmPackages();
console.log('shopscope: starting the sample shop with light demo traffic (Ctrl-C stops everything) ...');
console.log('shopscope: storefront  http://127.0.0.1:8080/');
console.log('shopscope: API         http://127.0.0.1:8080/api/products');
console.log('shopscope: fault flags curl -H "Authorization: Bearer ${SHOPSCOPE_ADMIN_TOKEN:-shopscope-admin}" http://127.0.0.1:8080/admin/flags');
const child = spawn(process.execPath, ['--import', 'tsx', 'sample-shop/src/run-all.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SHOPSCOPE_DEMO_TRAFFIC: process.env.SHOPSCOPE_DEMO_TRAFFIC ?? '1' },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
