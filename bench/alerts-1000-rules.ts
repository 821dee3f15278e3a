// Benchmark: one group of 1,000 alerting rules evaluated by @shopscope/alerts against a real
// Prometheus. Baseline, in the same run: the same 1,000 queries sent straight to Prometheus
// (sequentially, and with the evaluator's concurrency). Prints evaluations per second, the
// evaluator's CPU and memory (from its own /metrics), and the ratio to the baseline.
// Run: npm run bench:alerts   (or: npm run bench:alerts -- --rules 1000 --rounds 3)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MetricServer, freePort, startPrometheus } from '@shopscope/testkit';

const { values } = parseArgs({
  options: {
    rules: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    interval: { type: 'string', default: '15' },
    concurrency: { type: 'string', default: '4' },
  },
});
const RULES = Number(values.rules);
const ROUNDS = Number(values.rounds);
const INTERVAL_S = Number(values.interval);
const CONCURRENCY = Number(values.concurrency);
const MAIN = fileURLToPath(import.meta.resolve('@shopscope/alerts/main'));

const exprOf = (i: number) => `max by (shard) (bench_load{shard="${i}"}) > 0.5`;

async function metricValue(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}

async function rawQueries(prometheusUrl: string, concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < RULES) {
        const i = next++;
        const response = await fetch(`${prometheusUrl}/api/v1/query`, {
          method: 'POST',
          body: new URLSearchParams({ query: exprOf(i), time: String(Date.now() / 1000) }),
        });
        await response.json();
      }
    }),
  );
  return performance.now() - started;
}

const dir = mkdtempSync(join(tmpdir(), 'shopscope-bench-alerts-'));
const metrics = new MetricServer();
await metrics.start();
// a tenth of the shards are "hot": their rules fire, so the bench also exercises alert state and storage
for (let i = 0; i < RULES; i++) metrics.set('bench_load', { shard: String(i) }, i % 10 === 0 ? 1 : 0);
const prometheus = await startPrometheus([metrics.target], '5s');
const child = { kill: () => {} } as { kill: (s?: NodeJS.Signals) => void };
try {
  for (let tries = 0; ; tries++) {
    const r = (await (await fetch(`${prometheus.url}/api/v1/query?query=count(bench_load)`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    if (Number(r.data.result[0]?.value[1]) === RULES) break;
    if (tries > 100) throw new Error('Prometheus did not scrape the bench series');
    await new Promise((r2) => setTimeout(r2, 200));
  }
  const rules = [
    'groups:',
    '  - name: bench',
    `    interval: ${INTERVAL_S}s`,
    '    rules:',
    ...Array.from(
      { length: RULES },
      (_, i) =>
        `      - alert: Bench${i}\n        expr: '${exprOf(i)}'\n        for: 1m\n        labels: { severity: ticket }\n        annotations: { summary: "shard {{ $labels.shard }} at {{ $value }}" }`,
    ),
  ].join('\n');
  writeFileSync(join(dir, 'bench.rules.yml'), `${rules}\n`);
  writeFileSync(join(dir, 'policy.yml'), 'route: { receiver: log, group_wait: 1h }\nreceivers: [{ name: log }]\n');

  const sequentialMs = await rawQueries(prometheus.url, 1);
  const concurrentMs = await rawQueries(prometheus.url, CONCURRENCY);

  const port = await freePort();
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      ALERTS_RULES: join(dir, 'bench.rules.yml'),
      ALERTS_POLICY: join(dir, 'policy.yml'),
      ALERTS_STATE_FILE: join(dir, 'state.db'),
      PROMETHEUS_URL: prometheus.url,
      ALERTS_PORT: String(port),
      ALERTS_WATCH: 'false',
      ALERTS_LOG_LEVEL: 'error',
      ALERTS_RULE_CONCURRENCY: String(CONCURRENCY),
      SLACK_BOT_TOKEN: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.kill = (s) => proc.kill(s);
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    try {
      if ((await fetch(`${url}/-/healthy`)).ok) break;
    } catch {
      /* starting */
    }
    if (tries > 300) throw new Error('evaluator did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const countName = 'shopscope_alerts_group_evaluation_duration_seconds_count{group="bench"}';
  const sumName = 'shopscope_alerts_group_evaluation_duration_seconds_sum{group="bench"}';
  const readHist = async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    const get = (n: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(n))
          ?.split(' ')
          .pop() ?? 0,
      );
    return { count: get(countName), sum: get(sumName) };
  };
  while ((await readHist()).count < 1) await new Promise((r) => setTimeout(r, 200));
  const cpu0 = await metricValue(url, 'shopscope_alerts_process_cpu_seconds_total');
  const h0 = await readHist();
  const t0 = performance.now();
  while ((await readHist()).count < h0.count + ROUNDS) await new Promise((r) => setTimeout(r, 200));
  const wallS = (performance.now() - t0) / 1000;
  const h1 = await readHist();
  const cpu1 = await metricValue(url, 'shopscope_alerts_process_cpu_seconds_total');
  const rss = await metricValue(url, 'shopscope_alerts_process_resident_memory_bytes');
  const heap = await metricValue(url, 'shopscope_alerts_nodejs_heap_size_used_bytes');
  const alerts = ((await (await fetch(`${url}/api/alerts`)).json()) as { alerts: unknown[] }).alerts.length;
  const perRoundMs = ((h1.sum - h0.sum) / (h1.count - h0.count)) * 1000;
  const rounds = h1.count - h0.count;

  const rows: Array<[string, string]> = [
    ['rules in the group', String(RULES)],
    ['group interval', `${INTERVAL_S} s`],
    ['rounds measured', String(rounds)],
    ['baseline: 1,000 raw queries, sequential', `${sequentialMs.toFixed(0)} ms (${(RULES / (sequentialMs / 1000)).toFixed(0)} queries/s)`],
    [
      `baseline: 1,000 raw queries, ${CONCURRENCY} at a time`,
      `${concurrentMs.toFixed(0)} ms (${(RULES / (concurrentMs / 1000)).toFixed(0)} queries/s)`,
    ],
    ['evaluator: one round of the group', `${perRoundMs.toFixed(0)} ms (${(RULES / (perRoundMs / 1000)).toFixed(0)} evaluations/s)`],
    [`ratio to the ${CONCURRENCY}-at-a-time baseline`, `${(perRoundMs / concurrentMs).toFixed(2)}x`],
    ['share of the interval used', `${((perRoundMs / (INTERVAL_S * 1000)) * 100).toFixed(1)} %`],
    [
      'evaluator CPU',
      `${(cpu1 - cpu0).toFixed(2)} s over ${wallS.toFixed(1)} s = ${(((cpu1 - cpu0) / wallS) * 100).toFixed(1)} % of one core; ${(((cpu1 - cpu0) / rounds) * 1000).toFixed(0)} ms per round`,
    ],
    ['evaluator memory', `RSS ${(rss / 1048576).toFixed(0)} MiB, heap used ${(heap / 1048576).toFixed(0)} MiB`],
    ['alerts held (10% of shards hot)', String(alerts)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('alerts-1000-rules');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  const ok = perRoundMs < (INTERVAL_S * 1000) / 2;
  console.log(
    ok
      ? `  OK: a round takes under half of the ${INTERVAL_S} s interval`
      : `  SLOW: a round takes ${perRoundMs.toFixed(0)} ms of a ${INTERVAL_S} s interval`,
  );
  process.exitCode = ok ? 0 : 1;
} finally {
  child.kill('SIGTERM');
  await prometheus.stop();
  await metrics.stop();
  rmSync(dir, { recursive: true, force: true });
}
