// Pushes spans and logs through the real collector into Jaeger and VictoriaLogs at increasing rates
// and prints the highest rate held for the whole window with nothing dropped, with the CPU
// and memory of each back end at that rate.
//
//   npm run bench:pipeline -- [--rates 500,1000,2000,4000] [--seconds 60]
//
// It runs its own copy of the stack on shifted ports (data under a temp folder); outside the
// production profile every trace is kept, so every span sent should reach Jaeger and every log
// line VictoriaLogs, as their own counters tell. It stops the stack after.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildAll, up, down, status, type StackComponent } from '@shopscope/stack';

const USAGE = 'usage: pipeline-throughput.ts [--rates 500,1000,...] [--seconds 60] [--drain-seconds 20]';
function readArgs() {
  try {
    return parseArgs({
      options: {
        rates: { type: 'string', default: '500,1000,2000,4000,8000' },
        seconds: { type: 'string', default: '60' },
        'drain-seconds': { type: 'string', default: '20' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return process.exit(2);
  }
}
const values = readArgs();
const rates = values.rates.split(',').map(Number);
const seconds = Number(values.seconds);
const drainSeconds = Number(values['drain-seconds']);
if (rates.some((r) => !Number.isFinite(r) || r <= 0) || !(seconds > 0) || !(drainSeconds >= 0)) {
  console.error(USAGE);
  process.exit(2);
}

const dataDir = mkdtempSync(join(tmpdir(), 'shopscope-bench-stack-'));
const env = {
  ...process.env,
  SHOPSCOPE_STACK_DATA_DIR: dataDir,
  SHOPSCOPE_PROFILE: 'local',
  SHOPSCOPE_OTLP_GRPC_PORT: '24317',
  SHOPSCOPE_OTLP_HTTP_PORT: '24318',
  SHOPSCOPE_COLLECTOR_METRICS_PORT: '28888',
  SHOPSCOPE_JAEGER_PORT: '26686',
  SHOPSCOPE_JAEGER_GRPC_PORT: '26685',
  SHOPSCOPE_JAEGER_OTLP_GRPC_PORT: '24417',
  SHOPSCOPE_JAEGER_OTLP_HTTP_PORT: '24418',
  SHOPSCOPE_JAEGER_HEALTH_PORT: '23133',
  SHOPSCOPE_JAEGER_METRICS_PORT: '24269',
  SHOPSCOPE_VICTORIALOGS_PORT: '29428',
  SHOPSCOPE_PROMETHEUS_PORT: '29090',
};
const otlp = `http://127.0.0.1:${env.SHOPSCOPE_OTLP_HTTP_PORT}`;
const sources = {
  collector: `http://127.0.0.1:${env.SHOPSCOPE_COLLECTOR_METRICS_PORT}/metrics`,
  jaeger: `http://127.0.0.1:${env.SHOPSCOPE_JAEGER_METRICS_PORT}/metrics`,
  victorialogs: `http://127.0.0.1:${env.SHOPSCOPE_VICTORIALOGS_PORT}/metrics`,
};

/** Sums every sample of the named counters in a Prometheus text exposition. */
async function counters(url: string, names: string[]): Promise<Record<string, number>> {
  const text = await (await fetch(url)).text();
  const sums = Object.fromEntries(names.map((n) => [n, 0]));
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    if (name in sums) sums[name]! += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sums;
}

const dropCounters = {
  collector: [
    'otelcol_receiver_refused_spans_total',
    'otelcol_receiver_refused_log_records_total',
    'otelcol_exporter_send_failed_spans_total',
    'otelcol_exporter_send_failed_log_records_total',
    'otelcol_exporter_enqueue_failed_spans_total',
    'otelcol_exporter_enqueue_failed_log_records_total',
  ],
  // Jaeger is a collector too: what its OTLP receiver took, refused, and its storage exporter failed.
  jaeger: ['otelcol_receiver_refused_spans_total', 'otelcol_exporter_send_failed_spans_total'],
  victorialogs: ['vl_rows_dropped_total'],
};
const receivedCounters = { jaeger: 'otelcol_exporter_sent_spans_total', victorialogs: 'vl_rows_ingested_total' } as const;

async function snapshot() {
  const [collector, jaeger, victorialogs] = await Promise.all([
    counters(sources.collector, dropCounters.collector),
    counters(sources.jaeger, [...dropCounters.jaeger, receivedCounters.jaeger]),
    counters(sources.victorialogs, [...dropCounters.victorialogs, receivedCounters.victorialogs]),
  ]);
  const prefixed = (prefix: string, sums: Record<string, number>) =>
    Object.fromEntries(Object.entries(sums).map(([k, v]) => [`${prefix}:${k}`, v]));
  return { ...prefixed('collector', collector), ...prefixed('jaeger', jaeger), ...prefixed('victorialogs', victorialogs) };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const resource = {
  attributes: [
    { key: 'service.name', value: { stringValue: 'bench-shop' } },
    { key: 'deployment.environment.name', value: { stringValue: 'bench' } },
  ],
};

/** One OTLP/JSON request of `count` spans, in traces of ten spans (a root and nine children). */
function spanBatch(count: number) {
  const spans = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (let i = 0; i < count; i += 10) {
    const traceId = hex(16);
    const rootId = hex(8);
    for (let j = 0; j < Math.min(10, count - i); j++) {
      spans.push({
        traceId,
        spanId: j === 0 ? rootId : hex(8),
        parentSpanId: j === 0 ? '' : rootId,
        name: j === 0 ? 'GET /api/products' : `SELECT catalog_products ${j}`,
        kind: j === 0 ? 2 : 3,
        startTimeUnixNano: String(now - 5_000_000n),
        endTimeUnixNano: String(now),
        attributes: [{ key: 'http.route', value: { stringValue: '/api/products' } }],
        status: { code: 1 },
      });
    }
  }
  return { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'shopscope-bench' }, spans }] }] };
}

function logBatch(count: number) {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  const logRecords = Array.from({ length: count }, (_, i) => ({
    timeUnixNano: now,
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: `{"level":"info","msg":"bench line ${i}","event":"bench.line"}` },
    traceId: hex(16),
    spanId: hex(8),
  }));
  return { resourceLogs: [{ resource, scopeLogs: [{ scope: { name: 'shopscope-bench' }, logRecords }] }] };
}

async function post(path: string, body: unknown): Promise<boolean> {
  try {
    const response = await fetch(`${otlp}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** CPU seconds used so far and resident memory of a process, from /proc. */
function processUsage(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: ticks / 100, rssMb: Number(rss?.[1] ?? 0) / 1024 };
}

interface Row {
  rate: number;
  achieved: number;
  sentSpans: number;
  sentLogs: number;
  dropped: number;
  jaegerReceived: number;
  victoriaLogsReceived: number;
  failedPosts: number;
  usage: Record<string, { cpuPercent: number; rssMb: number }>;
  sustained: boolean;
}

async function runRate(rate: number, pids: Record<string, number>): Promise<Row> {
  const before = await snapshot();
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([c, pid]) => [c, processUsage(pid).cpuSeconds]));
  const peakRss: Record<string, number> = {};
  const perTick = Math.max(1, Math.round(rate / 10));
  const started = Date.now();
  let sentSpans = 0;
  let sentLogs = 0;
  let failedPosts = 0;
  for (let tick = 0; Date.now() - started < seconds * 1000; tick++) {
    const due = started + tick * 100;
    if (Date.now() < due) await new Promise((r) => setTimeout(r, due - Date.now()));
    const [spansOk, logsOk] = await Promise.all([post('/v1/traces', spanBatch(perTick)), post('/v1/logs', logBatch(perTick))]);
    if (spansOk) sentSpans += perTick;
    else failedPosts++;
    if (logsOk) sentLogs += perTick;
    else failedPosts++;
    if (tick % 20 === 0) {
      for (const [c, pid] of Object.entries(pids)) peakRss[c] = Math.max(peakRss[c] ?? 0, processUsage(pid).rssMb);
    }
  }
  const elapsed = (Date.now() - started) / 1000;
  const usage = Object.fromEntries(
    Object.entries(pids).map(([c, pid]) => [
      c,
      { cpuPercent: ((processUsage(pid).cpuSeconds - cpuBefore[c]!) / elapsed) * 100, rssMb: peakRss[c] ?? 0 },
    ]),
  );
  await new Promise((r) => setTimeout(r, drainSeconds * 1000));
  const after = await snapshot();
  const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  const dropped = Object.entries(dropCounters)
    .flatMap(([source, names]) => names.map((n) => `${source}:${n}`))
    .reduce((sum, n) => sum + delta(n), 0);
  const achieved = Math.min(sentSpans, sentLogs) / elapsed;
  const jaegerReceived = delta(`jaeger:${receivedCounters.jaeger}`);
  const victoriaLogsReceived = delta(`victorialogs:${receivedCounters.victorialogs}`);
  const sustained =
    achieved >= rate * 0.97 && dropped === 0 && failedPosts === 0 && jaegerReceived >= sentSpans && victoriaLogsReceived >= sentLogs;
  return { rate, achieved, sentSpans, sentLogs, dropped, jaegerReceived, victoriaLogsReceived, failedPosts, usage, sustained };
}

const components: StackComponent[] = ['prometheus', 'victorialogs', 'jaeger', 'collector'];
try {
  await buildAll({ components: ['collector', 'jaeger', 'victorialogs', 'prometheus'] });
  console.log('bench: starting a private stack on shifted ports ...');
  await up({ env, components });
  const pids = Object.fromEntries(
    (await status({ env })).filter((s) => s.pid && s.component !== 'prometheus').map((s) => [s.component, s.pid!]),
  );
  console.log(`bench: ${seconds} s per rate, spans and logs each at the rate shown (per second)`);
  console.log(
    'rate/s  achieved/s  spans_sent  jaeger_recv  logs_sent  vlogs_recv  dropped  collector(cpu%,MB)  jaeger(cpu%,MB)  vlogs(cpu%,MB)  held',
  );
  let best: Row | undefined;
  for (const rate of rates) {
    const row = await runRate(rate, pids);
    const u = (c: string) => `${row.usage[c]?.cpuPercent.toFixed(0) ?? '-'}%,${row.usage[c]?.rssMb.toFixed(0) ?? '-'}`.padEnd(16);
    console.log(
      `${String(rate).padEnd(7)} ${row.achieved.toFixed(0).padEnd(11)} ${String(row.sentSpans).padEnd(11)} ${String(row.jaegerReceived).padEnd(12)} ${String(row.sentLogs).padEnd(10)} ${String(row.victoriaLogsReceived).padEnd(11)} ${String(row.dropped).padEnd(8)} ${u('collector')}    ${u('jaeger')} ${u('victorialogs')}${row.sustained ? 'yes' : 'no'}`,
    );
    if (!row.sustained) break;
    best = row;
  }
  if (best) {
    console.log(`bench: highest rate held for ${seconds} s with nothing dropped: ${best.rate} spans/s + ${best.rate} log lines/s`);
    for (const [c, u] of Object.entries(best.usage))
      console.log(`bench:   ${c}: ${u.cpuPercent.toFixed(0)}% of one core, ${u.rssMb.toFixed(0)} MB resident (peak)`);
  } else {
    console.log('bench: not even the lowest rate was held');
  }
} finally {
  await down({ env }).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
