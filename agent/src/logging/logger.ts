import { context } from '@opentelemetry/api';
import type { Logger as PinoLogger } from 'pino';
import { warn } from '../safety/warn.ts';
import { describe } from '../safety/safe-call.ts';
import type { FieldBuilder, Fields } from './fields.ts';
import type { OtlpLogs } from './otlp-logs.ts';
import { levelValues, type LevelName } from './schema.ts';

// The convention logger: pino underneath (stdout), the same fields sent over OTLP. Its calls
// take pino's shapes — `info(msg)`, `info(fields, msg)`, `info(err, msg)` — and never throw.

export interface LoggerCore {
  fields: FieldBuilder;
  otlp: OtlpLogs | undefined;
  minLevel: number;
}

type LogCall = (first: unknown, msg?: string) => void;

export class ConventionLogger {
  readonly trace: LogCall;
  readonly debug: LogCall;
  readonly info: LogCall;
  readonly warn: LogCall;
  readonly error: LogCall;
  readonly fatal: LogCall;

  constructor(
    private readonly core: LoggerCore,
    private readonly pino: PinoLogger,
    private readonly bindings: Fields | undefined,
  ) {
    this.trace = this.method('trace');
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
    this.fatal = this.method('fatal');
  }

  child(bindings: Fields): ConventionLogger {
    try {
      const clean = this.core.fields.fromObject(bindings);
      return new ConventionLogger(this.core, this.pino.child(clean), this.bindings ? { ...this.bindings, ...clean } : clean);
    } catch (error) {
      warn('SHOPSCOPE_ERR_CALLBACK', `logger.child: ${describe(error)}`, 'callback:logger.child');
      return this;
    }
  }

  isLevelEnabled(level: LevelName): boolean {
    return levelValues[level] >= this.core.minLevel;
  }

  private method(level: LevelName): LogCall {
    const value = levelValues[level];
    const core = this.core;
    return (first, msg) => {
      if (value < core.minLevel) return;
      try {
        const call = core.fields.fromCall(first, msg);
        if (call.fields) this.pino[level](call.fields, call.msg);
        else this.pino[level](call.msg);
        if (core.otlp) {
          const attributes = this.otlpAttributes(call.fields);
          core.otlp.emit(level, call.msg, attributes, context.active());
        }
      } catch (error) {
        warn('SHOPSCOPE_ERR_CALLBACK', `logger.${level}: ${describe(error)}`, 'callback:logger');
      }
    };
  }

  private otlpAttributes(fields: Fields | undefined): Fields {
    const experiments = this.core.fields.correlation().experiments;
    const merged: Fields = this.bindings ? { ...this.bindings, ...fields } : { ...fields };
    if (experiments !== undefined) merged.experiments = experiments;
    return merged;
  }
}
