import { createRequire } from 'node:module';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { AgentConfig } from '../config/env.ts';
import type { FieldBuilder } from './fields.ts';
import { pinoLib } from './libraries.ts';
import { FIELD } from './schema.ts';

const require = createRequire(import.meta.url);

export interface Stdout {
  stream: DestinationStream;
  /** Writes whatever is buffered, synchronously (shutdown path). */
  flushSync(): void;
}

// stdout JSON, buffered up to 4 KiB and written synchronously (no thread-pool round trip per
// chunk), flushed at least every 200 ms so a quiet service still shows its lines at once;
// human-readable lines in the `local` profile.
export function createStdout(config: AgentConfig): Stdout {
  if (config.logs.pretty) {
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    const stream = pretty({ sync: true, colorize: process.stdout.isTTY === true, messageKey: FIELD.msg, translateTime: 'SYS:HH:MM:ss.l' });
    return { stream, flushSync: () => {} };
  }
  const boom = pinoLib.destination({ dest: 1, sync: true, minLength: 4096 });
  const timer = setInterval(() => {
    try {
      boom.flushSync();
    } catch {
      // not ready yet or stdout closed: the next tick or exit handler retries
    }
  }, 200);
  timer.unref();
  return {
    stream: boom,
    flushSync: () => {
      try {
        boom.flushSync();
      } catch {
        // stdout closed or busy; nothing more can be done at shutdown
      }
    },
  };
}

export function createPino(config: AgentConfig, fields: FieldBuilder, destination: DestinationStream): PinoLogger {
  return pinoLib(
    {
      level: config.logs.level,
      messageKey: FIELD.msg,
      base: { [FIELD.service]: config.serviceName, [FIELD.environment]: config.environment },
      timestamp: isoTimestamp(),
      formatters: { level: (label: string) => ({ [FIELD.level]: label }) },
      mixin: () => fields.correlation(),
    },
    destination,
  );
}

/** pino's isoTime, computed once per millisecond instead of once per line. */
function isoTimestamp(): () => string {
  let lastMs = 0;
  let last = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      last = `,"${FIELD.time}":"${new Date(now).toISOString()}"`;
    }
    return last;
  };
}
