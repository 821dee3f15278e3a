// `npm run stack:build [component...]`: builds (or finds in the cache) every back end, one
// progress line per step. The library it runs is build/build-all.ts.
import { BUILD_COMPONENTS, buildAll, formatSeconds, type BuildComponent } from './build/build-all.ts';
import { describeError } from './errors.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    `usage: npm run stack:build [-- ${BUILD_COMPONENTS.join('|')} ...]\nBuilds the back ends (or finds them in the cache). See stack/README.md.\n`,
  );
} else {
  const started = performance.now();
  buildAll({ components: args.length > 0 ? (args as BuildComponent[]) : undefined })
    .then(() => process.stdout.write(`shopscope: back ends ready (${formatSeconds((performance.now() - started) / 1000)})\n`))
    .catch((err: unknown) => {
      process.stderr.write(`${describeError(err)}\n`);
      process.exitCode = 1;
    });
}
