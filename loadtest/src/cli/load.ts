// `npm run load -- <profile>`: one load profile against the running demo (started here if none
// answers), with a progress line; exits non-zero when an SLO was breached.
import { join } from 'node:path';
import { ensureDemo } from '../demo/demo.ts';
import { runLoad } from '../load/run-load.ts';
import { profileNames, profiles, type ProfileName } from '../load/profiles.ts';
import { endProgress, progressLine, reportDir } from '../report-dir.ts';
import { targetsFrom } from '../settings.ts';

const name = process.argv[2] ?? '';
if (!(profileNames as string[]).includes(name)) {
  console.error(`usage: npm run load -- <profile>, profile one of ${profileNames.join(', ')}${name ? ` (not "${name}")` : ''}`);
  process.exit(2);
}
const profile = profiles[name as ProfileName];
const targets = targetsFrom();
const outDir = reportDir(`load-${name}`);
const stopping = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopping.abort());

const demo = await ensureDemo(targets, { logFile: join(outDir, 'demo.log'), log: (line) => console.log(`loadtest: ${line}`) });
try {
  console.log(`loadtest: ${name} — ${profile.description}; results in ${outDir}`);
  const run = await runLoad({ profileName: name, profile, targets, outDir, signal: stopping.signal, progress: progressLine });
  endProgress();
  const summary = run.summary;
  if (summary) {
    for (const [journey, j] of Object.entries(summary.journeys))
      console.log(`  ${journey.padEnd(18)} ${String(j.started).padStart(6)} journeys, ${(j.ratio * 100).toFixed(2)}% failed`);
    for (const [step, s] of Object.entries(summary.steps))
      console.log(`  ${step.padEnd(22)} p95 ${String(s.p95).padStart(6)} ms  p99 ${String(s.p99).padStart(6)} ms`);
    console.log(
      `loadtest: ${summary.requests} requests, ${summary.errors} errors; highest rate within the SLOs: ${summary.sustainedRequestsPerSecond.toFixed(1)} requests/s (${summary.sustainedJourneysPerSecond.toFixed(1)} shoppers/s)`,
    );
    if (summary.breaches.length) console.log(`loadtest: SLO breaches: ${summary.breaches.join('; ')}`);
  }
  console.log(`loadtest: ${run.exitCode === 0 ? 'SLOs held' : `failed (Artillery exit ${run.exitCode}; see ${run.logFile})`}`);
  process.exitCode = run.exitCode === 0 ? 0 : 1;
} finally {
  await demo.stop();
}
