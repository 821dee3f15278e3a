// Lines per second of the convention logger against bare pino, and of the winston format
// against bare winston (winston.format.json()), same calls, all to /dev/null, alternating
// round by round; medians printed with the ratios and the floors (≥ 0.7×). Bare pino writes
// through pino.destination (sonic-boom, 4 KiB batches); the convention logger is measured
// with the agent's own stdout writer (as it runs) and, like for like, through the same
// sonic-boom destination; the OTLP variants are shown without a floor.
//
//   npm run bench:agent-logs          (from the repository root)
//   BENCH_ROUNDS=7 BENCH_LINES=200000 npm run bench:agent-logs
//
// The convention logger is measured as the agent runs it: redaction, trace correlation, and
// (second table) with its OTLP copy batched to a local sink that discards.

import { createServer } from 'node:http';
import { createWriteStream, openSync } from 'node:fs';
import { context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import winston from 'winston';
import {
  ConventionLogger,
  Experiments,
  FieldBuilder,
  LeanTracerProvider,
  RequestContextManager,
  StdoutWriter,
  createPino,
  createRedactor,
  createWinstonFormat,
  levelValues,
  loadConfig,
  redactString,
  startOtlpLogs,
} from '@shopscope/agent/components';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const LINES = Number(process.env.BENCH_LINES ?? 100_000);

const devNull = (): pino.DestinationStream => pino.destination({ dest: '/dev/null', sync: true, minLength: 4096 });
const fields = {
  event: 'order.placed',
  order_id: 'o-48213',
  amount: 42.5,
  currency: 'EUR',
  items: 3,
  customer: { tier: 'gold', country: 'FR' },
};
const message = 'order placed';

async function sinkUrl(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/v1/logs`, close: () => server.close() };
}

async function linesPerSecond(write: () => void): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < LINES; i++) {
    write();
    // Let batch exporters and timers run, as they would between requests.
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  return LINES / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function compare(
  title: string,
  pairs: Array<[string, () => void]>,
  floors: Array<[string, string, number]>,
  informational: Array<[string, string]> = [],
): Promise<void> {
  console.log(`\n## ${title} — ${ROUNDS} rounds × ${LINES} lines`);
  const results: Record<string, number[]> = Object.fromEntries(pairs.map(([n]) => [n, []]));
  for (const [, write] of pairs) await linesPerSecond(write);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...pairs].reverse() : pairs;
    for (const [name, write] of order) results[name]!.push(await linesPerSecond(write));
  }
  for (const [name] of pairs) console.log(`  ${name.padEnd(44)} ${Math.round(median(results[name]!)).toString().padStart(9)} lines/s`);
  for (const [candidate, baseline, floor] of floors) {
    const ratio = median(results[candidate]!) / median(results[baseline]!);
    console.log(`  ${ratio >= floor ? 'PASS' : 'FAIL'}  ${candidate} / ${baseline}: ${ratio.toFixed(2)}× (floor ≥ ${floor}×)`);
  }
  for (const [candidate, baseline] of informational) {
    console.log(`  info  ${candidate} / ${baseline}: ${(median(results[candidate]!) / median(results[baseline]!)).toFixed(2)}× (no floor)`);
  }
}

async function main(): Promise<void> {
  console.log(`# log throughput — node ${process.version}, ${new Date().toISOString()}`);
  context.setGlobalContextManager(new RequestContextManager());
  const tracer = new LeanTracerProvider(new AlwaysOnSampler(), []).getTracer('bench');
  const sink = await sinkUrl();
  const { config } = loadConfig({ OTEL_SERVICE_NAME: 'bench', SHOPSCOPE_PROFILE: 'prod', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: sink.url });
  const builder = new FieldBuilder(createRedactor(), redactString, new Experiments([]));
  const otlp = startOtlpLogs(config, resourceFromAttributes({ 'service.name': 'bench' }), () => {});

  const barePino = pino(devNull());
  // As the agent runs it: its own ordered stdout writer (logging/stdout-writer.ts) on the fd.
  const convention = new ConventionLogger(
    { fields: builder, otlp: undefined, minLevel: levelValues.info },
    createPino(config, builder, new StdoutWriter(openSync('/dev/null', 'w'))),
    undefined,
  );
  // Like for like: the same sonic-boom destination bare pino has, so only the logger differs.
  const conventionSameDestination = new ConventionLogger(
    { fields: builder, otlp: undefined, minLevel: levelValues.info },
    createPino(config, builder, devNull()),
    undefined,
  );
  const conventionOtlp = new ConventionLogger(
    { fields: builder, otlp, minLevel: levelValues.info },
    createPino(config, builder, devNull()),
    undefined,
  );

  const bareWinston = winston.createLogger({
    format: winston.format.json(),
    transports: [new winston.transports.Stream({ stream: createWriteStream('/dev/null') })],
  });
  const formatted = (withOtlp: boolean): winston.Logger =>
    winston.createLogger({
      format: createWinstonFormat({ fields: builder, otlp: withOtlp ? otlp : undefined, service: 'bench', environment: 'prod' })(),
      transports: [new winston.transports.Stream({ stream: createWriteStream('/dev/null') })],
    });
  const shopscopeWinston = formatted(false);
  const shopscopeWinstonOtlp = formatted(true);

  // Inside a span, as in a request: correlation fields are part of the cost.
  await tracer.startActiveSpan('request', async (span) => {
    await compare(
      'pino',
      [
        ['bare pino', () => barePino.info(fields, message)],
        ['convention logger (stdout)', () => convention.info(fields, message)],
        ['convention logger (sonic-boom, as bare pino)', () => conventionSameDestination.info(fields, message)],
        ['convention logger (stdout + OTLP)', () => conventionOtlp.info(fields, message)],
      ],
      [['convention logger (stdout)', 'bare pino', 0.7]],
      [
        ['convention logger (sonic-boom, as bare pino)', 'bare pino'],
        ['convention logger (stdout + OTLP)', 'bare pino'],
      ],
    );
    await compare(
      'winston',
      [
        ['bare winston (format.json)', () => bareWinston.info(message, fields)],
        ['shopscope format (stdout)', () => shopscopeWinston.info(message, fields)],
        ['shopscope format (stdout + OTLP)', () => shopscopeWinstonOtlp.info(message, fields)],
      ],
      [['shopscope format (stdout)', 'bare winston (format.json)', 0.7]],
      [['shopscope format (stdout + OTLP)', 'bare winston (format.json)']],
    );
    span.end();
  });
  // Everything still queued goes to the sink before it closes (no export fails at the end).
  await otlp.flush();
  await otlp.provider.shutdown();
  sink.close();
  void trace;
}

await main();
