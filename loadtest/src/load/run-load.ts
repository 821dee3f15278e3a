// Runs one Artillery test against the shop: the script is made here from the journeys and a
// profile, Artillery's output goes to a log, its JSON results beside it, and one progress line
// tells how far it is.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Targets } from '../settings.ts';
import { journeyNames, scenarios } from './journeys.ts';
import { ensureChecks, type Profile } from './profiles.ts';
import { summarize, type LoadSummary } from './summary.ts';

const processorFile = fileURLToPath(new URL('../artillery/processor.ts', import.meta.url));
const artilleryBin = join(dirname(createRequire(import.meta.url).resolve('artillery/package.json')), 'bin', 'run');

export interface LoadOptions {
  profileName: string;
  profile: Profile;
  targets: Targets;
  /** Where the script, Artillery's log and its JSON results are written. */
  outDir: string;
  /** Check the SLOs (a breach exits non-zero); off for a drill's load, which expects failures. */
  ensure?: boolean;
  /** Stops Artillery early (SIGINT: it still writes its results). */
  signal?: AbortSignal;
  /** One progress line; called every few seconds. */
  progress?: (line: string) => void;
}

export interface LoadRun {
  exitCode: number;
  resultsFile: string;
  logFile: string;
  summary: LoadSummary | undefined;
}

export function artilleryScript(
  options: Pick<LoadOptions, 'profileName' | 'profile' | 'targets' | 'ensure'> & { processor?: string },
): Record<string, unknown> {
  const { profile, targets } = options;
  const resource = { 'service.name': 'shopscope-loadtest', 'loadtest.profile': options.profileName };
  return {
    config: {
      target: targets.gateway,
      phases: profile.phases,
      processor: options.processor ?? processorFile,
      http: { timeout: 10 },
      plugins: {
        // Without `ensure` listed here Artillery ignores the checks below without a word.
        ensure: {},
        'metrics-by-endpoint': { useOnlyRequestNames: true, stripQueryString: true },
        'publish-metrics': [
          {
            type: 'open-telemetry',
            serviceName: 'shopscope-loadtest',
            resourceAttributes: resource,
            metrics: { exporter: 'otlp-http', endpoint: `${targets.otlpHttp}/v1/metrics`, attributes: resource },
            traces: {
              exporter: 'otlp-http',
              endpoint: `${targets.otlpHttp}/v1/traces`,
              sampleRate: 1,
              useRequestNames: true,
              attributes: resource,
            },
          },
        ],
      },
      ...(options.ensure === false ? {} : { ensure: ensureChecks(journeyNames) }),
    },
    scenarios: scenarios(profile.weights),
  };
}

/**
 * The processor, bundled to CommonJS beside the script: Artillery would otherwise bundle it
 * itself with esbuild's WebAssembly build (tens of seconds on a busy machine) into the source
 * folder, where this ES module package makes Node misread the bundle.
 */
function bundleProcessor(outDir: string): string {
  const outfile = join(outDir, 'processor.cjs');
  buildSync({ entryPoints: [processorFile], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  return outfile;
}

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  mkdirSync(options.outDir, { recursive: true });
  const scriptFile = join(options.outDir, 'artillery-script.json');
  const resultsFile = join(options.outDir, 'artillery-results.json');
  const logFile = join(options.outDir, 'artillery.log');
  writeFileSync(scriptFile, `${JSON.stringify(artilleryScript({ ...options, processor: bundleProcessor(options.outDir) }), null, 2)}\n`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [artilleryBin, 'run', '--output', resultsFile, scriptFile], {
    cwd: options.outDir,
    env: { ...process.env, ARTILLERY_DISABLE_TELEMETRY: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const totalSeconds = options.profile.phases.reduce((sum, phase) => sum + phase.duration, 0);
  const counts = { requests: 0, errors: 0, failedJourneys: 0, final: false };
  child.stdout.on('data', (chunk: Buffer) => {
    log.write(chunk);
    countFromReport(chunk.toString('utf8'), counts);
  });
  child.stderr.pipe(log);
  const started = Date.now();
  const ticker = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    options.progress?.(
      `${options.profileName}: ${seconds}s (arrivals for ${totalSeconds}s), ${counts.requests} requests, ${counts.errors} errors, ${counts.failedJourneys} failed journeys`,
    );
  }, 2000);
  const stop = () => child.kill('SIGINT');
  options.signal?.addEventListener('abort', stop, { once: true });
  const exitCode = await new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1))));
  clearInterval(ticker);
  options.signal?.removeEventListener('abort', stop);
  await new Promise<void>((resolve) => log.end(resolve));
  let summary: LoadSummary | undefined;
  try {
    summary = summarize(JSON.parse(readFileSync(resultsFile, 'utf8')));
  } catch {
    summary = undefined;
  }
  return { exitCode, resultsFile, logFile, summary };
}

/** Adds the counters of one of Artillery's 10-second console reports to the running totals. */
function countFromReport(text: string, counts: { requests: number; errors: number; failedJourneys: number; final: boolean }): void {
  for (const line of text.split('\n')) {
    // The final summary repeats every counter: count only the periods.
    if (line.includes('Summary report')) counts.final = true;
    if (counts.final) return;
    const match = /^(\S+):\s*\.*\s*(\d+)\s*$/.exec(line.trim());
    if (!match) continue;
    const [, name, value] = match as unknown as [string, string, string];
    if (name === 'http.requests') counts.requests += Number(value);
    else if (name.startsWith('errors.') || /^http\.codes\.5\d\d$/.test(name)) counts.errors += Number(value);
    else if (/^journey\..+\.failed$/.test(name)) counts.failedJourneys += Number(value);
  }
}

export interface LoadRuns {
  runs: LoadRun[];
  requests: number;
  errors: number;
}

/**
 * A drill's load: Artillery runs of `chunkSeconds` arrivals, one after another, until `stop`
 * (the run under way finishes, so its JSON results are written: Artillery writes none when
 * interrupted) or `abort` (Ctrl-C: the run under way is interrupted).
 */
export async function runLoadUntil(options: {
  profileName: string;
  arrivalRate: number;
  targets: Targets;
  outDir: string;
  stop: AbortSignal;
  abort?: AbortSignal;
  chunkSeconds?: number;
}): Promise<LoadRuns> {
  const runs: LoadRun[] = [];
  const chunk = options.chunkSeconds ?? 20;
  while (!options.stop.aborted && !options.abort?.aborted) {
    runs.push(
      await runLoad({
        profileName: options.profileName,
        profile: { description: "a drill's load", phases: [{ name: 'drill', duration: chunk, arrivalRate: options.arrivalRate }] },
        targets: options.targets,
        outDir: join(options.outDir, `load-${String(runs.length + 1).padStart(2, '0')}`),
        ensure: false,
        ...(options.abort ? { signal: options.abort } : {}),
      }),
    );
  }
  return {
    runs,
    requests: runs.reduce((sum, run) => sum + (run.summary?.requests ?? 0), 0),
    errors: runs.reduce((sum, run) => sum + (run.summary?.errors ?? 0), 0),
  };
}
