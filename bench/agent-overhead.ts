// Overhead of @shopscope/agent against no instrumentation and against plain OpenTelemetry
// auto-instrumentation, measured in one run with the modes alternating round by round.
//
//   npm run bench:agent-overhead            (from the repository root; builds the agent first)
//   BENCH_ROUNDS=5 BENCH_SECONDS=8 BENCH_CONNECTIONS=10 BENCH_ROUTES=hello,shop npm run bench:agent-overhead
//
// Every mode runs the same server file in its own process and exports to the same local OTLP
// sink (a separate process that accepts and discards); each server's stdout is read by a drain
// process of its own, not by the load generator. Per route: warm-up, then R rounds; in
// each round every mode gets one autocannon run of S seconds, in rotating order. Medians of
// requests/s, p50 and p99 are printed with the ratios and the floors from the issue. Then, at a
// fixed rate of half the agent's peak, open-loop (bench/open-loop.ts), p50, p99 (in µs precision)
// and CPU µs per request of each mode. autocannon reports its latencies in whole milliseconds.
// /proc is read for CPU (Linux).

import { freePort } from '@shopscope/testkit';
import autocannon from 'autocannon';
import { FIXTURES, MODES, cpuMicros, median, startProcess, type ModeName, type Running } from './bench-process.ts';
import { openLoop } from './open-loop.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LATENCY_ROUNDS = Number(process.env.BENCH_LATENCY_ROUNDS ?? 5);
const STRICT = process.argv.includes('--strict');
/** Which routes to run: hello, shop (default both). */
const ROUTES = (process.env.BENCH_ROUTES ?? 'hello,shop').split(',').map((r) => r.trim());

interface Sample {
  rps: number;
  p50: number;
  p99: number;
}

async function startMode(mode: ModeName, file: string, sink: string): Promise<Running> {
  const common = { OTEL_EXPORTER_OTLP_ENDPOINT: sink, OTEL_SERVICE_NAME: `bench-${mode}` };
  // A TypeScript server (the shop's own code) runs through tsx, loaded after the instrumentation.
  const script = file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
  switch (mode) {
    case 'none':
      return startProcess([...script], {});
    case 'otel-auto':
      return startProcess(['--import', '@opentelemetry/auto-instrumentations-node/register', ...script], {
        ...common,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_TRACES_SAMPLER: 'always_on',
        // Local detectors only: the cloud ones would query metadata addresses off this machine.
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
      });
    case 'agent':
      return startProcess(['--import', '@shopscope/agent/register', ...script], {
        ...common,
        OTEL_TRACES_SAMPLER: 'always_on',
        SHOPSCOPE_PROFILE: 'prod',
        SHOPSCOPE_METRICS_PORT: String(await freePort()),
      });
  }
}

async function drive(port: number, path: string, seconds: number): Promise<Sample> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: CONNECTIONS, duration: seconds });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`errors during load: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

function summarise(samples: Sample[]): Sample {
  return { rps: median(samples.map((s) => s.rps)), p50: median(samples.map((s) => s.p50)), p99: median(samples.map((s) => s.p99)) };
}

interface Floor {
  label: string;
  value: number;
  min?: number;
  max?: number;
}

const floors: Floor[] = [];

function check(label: string, value: number, bound: { min?: number; max?: number }, unit = '×'): void {
  floors.push({ label, value, ...bound });
  const ok = (bound.min === undefined || value >= bound.min) && (bound.max === undefined || value <= bound.max);
  const want = bound.min !== undefined ? `≥ ${bound.min}${unit}` : `≤ ${bound.max}${unit}`;
  console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${label}: ${value.toFixed(2)}${unit} (floor ${want})`);
}

async function benchRoute(name: string, script: string, path: string, sink: string): Promise<Record<ModeName, Sample>> {
  console.log(`\n## ${name} (${path}) — ${ROUNDS} rounds × ${SECONDS} s, ${CONNECTIONS} connections`);
  const servers = {} as Record<ModeName, Running>;
  for (const mode of MODES) servers[mode] = await startMode(mode, script, sink);
  try {
    for (const mode of MODES) await drive(servers[mode].port, path, WARMUP_SECONDS);
    const samples: Record<ModeName, Sample[]> = { none: [], 'otel-auto': [], agent: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      for (const mode of order) samples[mode].push(await drive(servers[mode].port, path, SECONDS));
      console.log(`  round ${round + 1}: ${order.map((m) => `${m} ${Math.round(samples[m][round]!.rps)} req/s`).join(', ')}`);
    }
    const result = { none: summarise(samples.none), 'otel-auto': summarise(samples['otel-auto']), agent: summarise(samples.agent) };
    console.log('\n  mode        req/s (median)   p50 ms   p99 ms   vs none   vs otel-auto');
    for (const mode of MODES) {
      const r = result[mode];
      console.log(
        `  ${mode.padEnd(10)} ${r.rps.toFixed(0).padStart(14)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${(r.rps / result.none.rps).toFixed(2).padStart(8)}× ${(r.rps / result['otel-auto'].rps).toFixed(2).padStart(12)}×`,
      );
    }

    // Latency and CPU at a moderate, fixed rate: half of the agent's peak, so no mode is
    // saturated. The load is open-loop and evenly spaced (see open-loop.ts: autocannon's rate
    // limit sends each second's quota back to back, which is full load for part of every
    // second). p99 added = agent's median p99 minus the uninstrumented one's. CPU per request
    // (from /proc: all threads, and the main thread alone) is the figure least disturbed by
    // other load on the machine.
    const rate = Math.round(result.agent.rps / 2);
    const fixed: Record<ModeName, { p50: number[]; p99: number[]; cpu: number[]; mainCpu: number[] }> = {
      none: { p50: [], p99: [], cpu: [], mainCpu: [] },
      'otel-auto': { p50: [], p99: [], cpu: [], mainCpu: [] },
      agent: { p50: [], p99: [], cpu: [], mainCpu: [] },
    };
    const origin = (mode: ModeName): string => `http://127.0.0.1:${servers[mode].port}`;
    for (const mode of MODES) await openLoop({ origin: origin(mode), path, rate, seconds: WARMUP_SECONDS });
    for (let round = 0; round < LATENCY_ROUNDS; round++) {
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      for (const mode of order) {
        const pid = servers[mode].child.pid!;
        const before = cpuMicros(pid);
        const mainBefore = cpuMicros(pid, true);
        const sample = await openLoop({ origin: origin(mode), path, rate, seconds: SECONDS });
        if (sample.errors > 0) throw new Error(`${sample.errors} failed requests at ${rate} req/s (${mode})`);
        fixed[mode].cpu.push((cpuMicros(pid) - before) / sample.completed);
        fixed[mode].mainCpu.push((cpuMicros(pid, true) - mainBefore) / sample.completed);
        fixed[mode].p50.push(sample.p50Ms);
        fixed[mode].p99.push(sample.p99Ms);
      }
    }
    console.log(`\n  at ${rate} req/s (half of the agent's peak), open-loop, ${LATENCY_ROUNDS} rounds × ${SECONDS} s, medians:`);
    for (const mode of MODES) {
      const f = fixed[mode];
      console.log(
        `  ${mode.padEnd(10)} p50 ${median(f.p50).toFixed(2).padStart(6)} ms   p99 ${median(f.p99).toFixed(2).padStart(6)} ms   CPU ${median(f.cpu).toFixed(1).padStart(6)} µs/request (main thread ${median(f.mainCpu).toFixed(1).padStart(6)})   (p99 by round: ${f.p99.map((x) => x.toFixed(1)).join(', ')})`,
      );
    }
    const mainRatio = (mode: ModeName): string => (median(fixed.none.mainCpu) / median(fixed[mode].mainCpu)).toFixed(2);
    console.log(`  main-thread CPU per request, none / mode: otel-auto ${mainRatio('otel-auto')}×, agent ${mainRatio('agent')}×`);
    const added = median(fixed.agent.p99) - median(fixed.none.p99);
    return Object.assign(result, { p99Added: added });
  } finally {
    for (const mode of MODES) servers[mode].child.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  console.log(`# @shopscope/agent overhead — node ${process.version}, ${new Date().toISOString()}`);
  const sink = await startProcess([`${FIXTURES}otlp-sink.mjs`], {});
  const sinkUrl = `http://127.0.0.1:${sink.port}`;
  try {
    type RouteResult = Record<ModeName, Sample> & { p99Added: number };
    const hello = ROUTES.includes('hello')
      ? ((await benchRoute('hello route (node:http)', `${FIXTURES}hello-server.cjs`, '/', sinkUrl)) as RouteResult)
      : undefined;
    const product = ROUTES.includes('shop')
      ? ((await benchRoute(
          "the shop's product-list route (catalog service + inventory for stock, SQLite)",
          `${FIXTURES}shop-catalog-server.ts`,
          '/products?category=kitchen&limit=20',
          sinkUrl,
        )) as RouteResult)
      : undefined;

    console.log('\n## floors');
    if (hello) {
      check('hello: agent / otel-auto', hello.agent.rps / hello['otel-auto'].rps, { min: 1.6 });
      check('hello: agent / none', hello.agent.rps / hello.none.rps, { min: 0.4 });
      check('hello: p99 added at half peak', hello.p99Added, { max: 2 }, ' ms');
    }
    if (product) {
      check('product: agent / none', product.agent.rps / product.none.rps, { min: 0.85 });
      check('product: p99 added at half peak', product.p99Added, { max: 2 }, ' ms');
    }
  } finally {
    sink.child.kill('SIGTERM');
  }
  const failed = floors.filter((f) => (f.min !== undefined && f.value < f.min) || (f.max !== undefined && f.value > f.max));
  if (STRICT && failed.length > 0) process.exitCode = 1;
}

await main();
