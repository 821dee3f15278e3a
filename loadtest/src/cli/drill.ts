// `npm run drill -- <name>|all`: each drill against the running demo (started here, with its
// pages going to the runner's own Slack sink, when none answers), a report per drill under
// reports/, and a non-zero exit when any drill failed. Ctrl-C rolls the fault back first.
import { join } from 'node:path';
import { ensureDemo } from '../demo/demo.ts';
import { loadDrills } from '../drill/catalog.ts';
import { writeReport } from '../drill/report.ts';
import { rollBackLeftover } from '../drill/rollback-journal.ts';
import { runDrill, type DrillResult } from '../drill/runner.ts';
import { SlackSink } from '../drill/slack-sink.ts';
import { DrillFileError } from '../drill/schema.ts';
import { endProgress, progressLine, reportDir } from '../report-dir.ts';
import { targetsFrom } from '../settings.ts';

const which = process.argv.slice(2);
let drills;
try {
  if (which.length === 0) throw new DrillFileError('usage: npm run drill -- <name>...|all');
  drills = which.flatMap((name) => loadDrills(name));
} catch (err) {
  console.error(`drill: ${(err as Error).message}`);
  process.exit(2);
}
const targets = targetsFrom();
const stopping = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort());

const sink = await new SlackSink().start();
const results: DrillResult[] = [];
const demo = await ensureDemo(targets, {
  logFile: join(reportDir('demo'), 'demo.log'),
  slackApiUrl: sink.apiUrl,
  log: (line) => console.log(`drill: ${line}`),
});
try {
  // A fault an interrupted run left on would break every steady state: undo it first, or run nothing.
  const leftover = await rollBackLeftover(targets).catch((err: Error) => {
    console.error(`drill: ${err.message}`);
    stopping.abort();
    return undefined;
  });
  if (leftover) console.log(`drill: ${leftover}`);
  for (const drill of drills) {
    if (stopping.signal.aborted) break;
    const outDir = reportDir(drill.name);
    console.log(`drill ${drill.name}: ${drill.description}`);
    const began = Date.now();
    const result = await runDrill(drill, {
      targets,
      outDir,
      sink: demo.started ? sink : undefined,
      signal: stopping.signal,
      onEvent: (event) => progressLine(`drill ${drill.name}: +${Math.round((event.atMs - began) / 1000)}s ${event.kind}`),
    });
    endProgress();
    const file = await writeReport(outDir, drill, result, targets);
    results.push(result);
    console.log(
      `drill ${drill.name}: ${result.passed ? 'passed' : 'FAILED'}; page ${result.timeToPageSeconds ?? '—'}s (≤ ${result.targets.maxTimeToPageSeconds}s), resolve ${result.timeToResolveSeconds ?? '—'}s (≤ ${result.targets.maxTimeToResolveSeconds}s)${result.failures.length ? `; ${result.failures.join('; ')}` : ''}\n  report: ${file}`,
    );
  }
} finally {
  await demo.stop();
  await sink.stop();
}
const failed = results.filter((r) => !r.passed).length;
console.log(`drill: ${results.length - failed} of ${results.length} passed`);
process.exitCode = failed || results.length < drills.length ? 1 : 0;
