// Bundles the storefront's browser telemetry (storefront/src/telemetry.ts, Grafana Faro) with
// esbuild into storefront/dist/telemetry.js, which the page loads. Run by `npm run build`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const storefront = fileURLToPath(new URL('../storefront/', import.meta.url));
const started = Date.now();
try {
  const result = await build({
    entryPoints: [`${storefront}src/telemetry.ts`],
    outfile: `${storefront}dist/telemetry.js`,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  const bytes = Object.values(result.metafile.outputs).find((output) => output.entryPoint)?.bytes ?? 0;
  console.log(`storefront telemetry bundle: storefront/dist/telemetry.js, ${(bytes / 1024).toFixed(0)} KiB, ${Date.now() - started} ms`);
} catch (err) {
  console.error(`storefront telemetry bundle failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  process.exit(1);
}
