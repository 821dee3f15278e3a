// GraphQL overhead of @shopscope/agent: one graphql-js query (a 20-product list, each
// product's reviews through a DataLoader) served over node:http, measured side by side in one
// run, modes alternating round by round:
//   none       — no instrumentation
//   agent      — the agent (resolver spans merged per field path, trivial resolvers skipped)
//   otel-auto  — OpenTelemetry auto-instrumentation, whose GraphQL instrumentation keeps its
//                defaults (a span per resolver call, list items not merged)
// Printed per mode: spans per request (counted by the OTLP receiver over 20 sequential
// requests), req/s, mean and p99 latency (autocannon, median of the rounds), main-thread CPU µs
// per request under load, and each ratio to `none`.
//
//   npm run bench:graphql-overhead           (from the repository root; builds the agent first)
//   BENCH_ROUNDS=3 BENCH_SECONDS=10 BENCH_CONNECTIONS=10 npm run bench:graphql-overhead

import { freePort } from '@shopscope/testkit';
import autocannon from 'autocannon';
import { FIXTURES, MODES, cpuMicros, median, startProcess, type ModeName, type Running } from './bench-process.ts';

const setting = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const ROUNDS = setting('BENCH_ROUNDS', 3);
const SECONDS = setting('BENCH_SECONDS', 10);
const WARMUP_SECONDS = setting('BENCH_WARMUP_SECONDS', 3);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 10);
const COUNTED_REQUESTS = 20;

const QUERY = 'query Shop { products(limit: 20) { id name price reviews { stars body } } }';
const BODY = JSON.stringify({ query: QUERY });

interface Sample {
  rps: number;
  meanMs: number;
  p99Ms: number;
  cpuPerRequest: number;
}

async function startMode(mode: ModeName, sink: string): Promise<Running> {
  const script = `${FIXTURES}graphql-server.cjs`;
  const common = { OTEL_EXPORTER_OTLP_ENDPOINT: sink, OTEL_SERVICE_NAME: `bench-${mode}`, OTEL_TRACES_SAMPLER: 'always_on' };
  switch (mode) {
    case 'none':
      return startProcess([script], {});
    case 'agent':
      return startProcess(['--import', '@shopscope/agent/register', script], {
        ...common,
        SHOPSCOPE_PROFILE: 'prod',
        SHOPSCOPE_METRICS_PORT: String(await freePort()),
      });
    case 'otel-auto':
      return startProcess(['--import', '@opentelemetry/auto-instrumentations-node/register', script], {
        ...common,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '500',
        OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
      });
  }
}

const post = (port: number) =>
  fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' } });

async function spansPerRequest(port: number, sink: string): Promise<number> {
  const count = async () => ((await (await fetch(`${sink}/spans`)).json()) as { spans: number }).spans;
  await new Promise((r) => setTimeout(r, 2500)); // what earlier requests exported has arrived
  const before = await count();
  for (let i = 0; i < COUNTED_REQUESTS; i++) {
    const response = await post(port);
    if (!response.ok) throw new Error(`query failed: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }
  await new Promise((r) => setTimeout(r, 2500)); // one batch interval and then some
  return (await count()) - before;
}

async function drive(running: Running, seconds: number): Promise<Sample> {
  const pid = running.child.pid!;
  const cpuBefore = cpuMicros(pid, true);
  const result = await autocannon({
    url: `http://127.0.0.1:${running.port}/graphql`,
    method: 'POST',
    body: BODY,
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    duration: seconds,
  });
  if (result.errors > 0 || result.non2xx > 0) throw new Error(`errors during load: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return {
    rps: result.requests.average,
    meanMs: result.latency.mean,
    p99Ms: result.latency.p99,
    cpuPerRequest: (cpuMicros(pid, true) - cpuBefore) / result.requests.total,
  };
}

async function main(): Promise<void> {
  console.log(`# GraphQL overhead of @shopscope/agent — node ${process.version}, ${new Date().toISOString()}`);
  console.log(`query: ${QUERY}`);
  console.log(`${ROUNDS} rounds × ${SECONDS} s per mode, ${CONNECTIONS} connections\n`);
  const sinkProcess = await startProcess([`${FIXTURES}otlp-span-counter.mjs`], {});
  const sink = `http://127.0.0.1:${sinkProcess.port}`;
  const servers = {} as Record<ModeName, Running>;
  try {
    for (const mode of MODES) servers[mode] = await startMode(mode, sink);
    const spans = {} as Record<ModeName, number>;
    for (const mode of MODES) spans[mode] = (await spansPerRequest(servers[mode].port, sink)) / COUNTED_REQUESTS;
    for (const mode of MODES) await drive(servers[mode], WARMUP_SECONDS);
    const samples: Record<ModeName, Sample[]> = { none: [], agent: [], 'otel-auto': [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      for (const mode of order) samples[mode].push(await drive(servers[mode], SECONDS));
      console.log(`  round ${round + 1}: ${order.map((m) => `${m} ${Math.round(samples[m][round]!.rps)} req/s`).join(', ')}`);
    }
    const result = {} as Record<ModeName, Sample>;
    for (const mode of MODES) {
      const s = samples[mode];
      result[mode] = {
        rps: median(s.map((x) => x.rps)),
        meanMs: median(s.map((x) => x.meanMs)),
        p99Ms: median(s.map((x) => x.p99Ms)),
        cpuPerRequest: median(s.map((x) => x.cpuPerRequest)),
      };
    }
    const none = result.none;
    console.log('\n  mode        spans/request   req/s   mean ms   p99 ms   main-thread CPU µs/request   req/s vs none   CPU added µs');
    for (const mode of MODES) {
      const r = result[mode];
      console.log(
        `  ${mode.padEnd(10)} ${spans[mode].toFixed(1).padStart(14)} ${r.rps.toFixed(0).padStart(7)} ${r.meanMs.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(0).padStart(8)} ${r.cpuPerRequest.toFixed(0).padStart(28)} ${(r.rps / none.rps).toFixed(2).padStart(14)}× ${(r.cpuPerRequest - none.cpuPerRequest).toFixed(0).padStart(14)}`,
      );
    }
  } finally {
    for (const mode of MODES) servers[mode]?.child.kill('SIGKILL');
    sinkProcess.child.kill('SIGTERM');
  }
}

await main();
