import { createRequire } from 'node:module';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import type { AgentConfig } from '../config/env.ts';
import type { FieldBuilder } from './fields.ts';
import { pinoLib } from './libraries.ts';
import { StdoutWriter } from './stdout-writer.ts';
import { isoTime } from './iso-time.ts';
import { FIELD } from './schema.ts';

const require = createRequire(import.meta.url);

export interface Stdout {
  stream: DestinationStream;
  /** Writes whatever is buffered, synchronously (shutdown path). */
  flushSync(): void;
}

// stdout JSON through one ordered, buffered writer (logging/stdout-writer.ts); human-readable
// lines in the `local` profile.
export function createStdout(config: AgentConfig): Stdout {
  if (config.logs.pretty) {
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    const stream = pretty({ sync: true, colorize: process.stdout.isTTY === true, messageKey: FIELD.msg, translateTime: 'SYS:HH:MM:ss.l' });
    return { stream, flushSync: () => {} };
  }
  const writer = new StdoutWriter(1);
  return { stream: writer, flushSync: () => writer.flushSync() };
}

export function createPino(config: AgentConfig, fields: FieldBuilder, destination: DestinationStream): PinoLogger {
  return pinoLib(
    {
      level: config.logs.level,
      messageKey: FIELD.msg,
      base: { [FIELD.service]: config.serviceName, [FIELD.environment]: config.environment },
      // The trace ids ride in the timestamp's fragment: pino inserts it verbatim, so nothing
      // is built and merged per line (a mixin object is, and shows in log benchmarks).
      timestamp: () => `,"${FIELD.time}":"${isoTime()}"${fields.correlationChunk()}`,
      formatters: { level: (label: string) => ({ [FIELD.level]: label }) },
    },
    destination,
  );
}
