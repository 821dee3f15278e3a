// The log field schema, documented in agent/LOGGING.md. Both the pino logger and the winston
// format write exactly these names; a test compares their output line by line.

export const FIELD = {
  time: 'time',
  level: 'level',
  msg: 'msg',
  service: 'service',
  environment: 'environment',
  traceId: 'trace_id',
  spanId: 'span_id',
  event: 'event',
  error: 'error',
  http: 'http',
  slow: 'slow',
  experiments: 'experiments',
} as const;

export const levelNames = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LevelName = (typeof levelNames)[number];

export const levelValues: Readonly<Record<LevelName | 'silent', number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

/** OpenTelemetry severity numbers for the OTLP copy of each line. */
export const severityNumbers: Readonly<Record<LevelName, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** winston's npm levels mapped onto the schema's levels. */
export const winstonLevels: Readonly<Record<string, LevelName>> = {
  error: 'error',
  warn: 'warn',
  info: 'info',
  http: 'info',
  verbose: 'debug',
  debug: 'debug',
  silly: 'trace',
};
