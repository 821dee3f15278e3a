// Open-loop load at a fixed rate, for latency at a given load: requests are due at evenly
// spaced times (rate per second, from the start), each is sent when due whether or not earlier
// ones have answered, so a server that falls behind shows it in the latencies (no coordinated
// omission). Requests go out on a 1 ms tick, each with those that came due since the last one;
// latency counts from the send, including any wait for a free connection in the pool, and
// leaves out the tick's own lag (up to a millisecond, the same for every server measured).
//
// Written here because the load generators at hand do not do this: autocannon's rate limit
// (overallRate) lets each connection send back to back until its quota for the second is used
// and then waits for the next one-second tick (lib/httpClient.js), so "half of peak" is really
// full load for half of every second; loadtest paces evenly but records whole milliseconds and
// its node:http client costs more CPU per request than the hello server it would measure; a
// full load generator needs more CPU per request than this machine has to spare at the hello
// route's rates. undici's Pool sends (cheaply, over kept-alive connections) and HdrHistogram
// keeps the latencies in microseconds.

import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';

export interface OpenLoopResult {
  /** Requests answered with 2xx. */
  completed: number;
  errors: number;
  /** Completed per second over the run. */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface OpenLoopOptions {
  origin: string;
  path: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  seconds: number;
  /** Connections the pool may open (requests beyond that wait in its queue, and it counts). */
  connections?: number;
}

const TICK_MS = 1;

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const pool = new Pool(options.origin, { connections: options.connections ?? 64, pipelining: 1, keepAliveTimeout: 30_000 });
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  let sent = 0;
  let completed = 0;
  let errors = 0;
  let outstanding = 0;
  const start = performance.now();

  await new Promise<void>((resolve) => {
    const finish = (): void => {
      if (sent === total && outstanding === 0) resolve();
    };
    const send = (): void => {
      const sentAt = performance.now();
      outstanding += 1;
      pool
        .request({ path: options.path, method: 'GET' })
        .then(async ({ statusCode, body }) => {
          await body.dump();
          if (statusCode >= 200 && statusCode < 300) {
            completed += 1;
            histogram.recordValue(Math.max(1, Math.round((performance.now() - sentAt) * 1000)));
          } else errors += 1;
        })
        .catch(() => {
          errors += 1;
        })
        .finally(() => {
          outstanding -= 1;
          finish();
        });
    };
    // Every tick sends what has come due since the last one (about rate/1000 requests).
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        send();
        sent += 1;
      }
      if (sent < total) setTimeout(tick, TICK_MS);
      else finish();
    };
    tick();
  });
  const elapsedS = (performance.now() - start) / 1000;
  await pool.close();
  const result: OpenLoopResult = {
    completed,
    errors,
    rate: completed / elapsedS,
    p50Ms: histogram.getValueAtPercentile(50) / 1000,
    p99Ms: histogram.getValueAtPercentile(99) / 1000,
    maxMs: histogram.maxValue / 1000,
  };
  histogram.destroy();
  return result;
}
