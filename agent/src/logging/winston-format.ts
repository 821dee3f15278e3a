import type * as Logform from 'logform';
import { context } from '@opentelemetry/api';
import { warn } from '../safety/warn.ts';
import { describe } from '../safety/safe-call.ts';
import type { FieldBuilder, Fields } from './fields.ts';
import { logformLib } from './libraries.ts';
import type { OtlpLogs } from './otlp-logs.ts';
import { isoTime } from './iso-time.ts';
import { FIELD, winstonLevels } from './schema.ts';

// winston reads the finished line from this well-known symbol (triple-beam's MESSAGE).
const MESSAGE = Symbol.for('message');

// A winston format that writes the convention schema: `logger.info('msg', {fields})` gives the
// same JSON names as the pino logger's `info({fields}, 'msg')`, and the same line goes over
// OTLP. Use it alone: `winston.createLogger({ format: shopscopeFormat(), transports: [...] })`.

const WINSTON_OWN = new Set(['level', 'message', 'trace_flags', 'splat']);

export interface WinstonFormatDeps {
  fields: FieldBuilder;
  otlp: OtlpLogs | undefined;
  service: string;
  environment: string;
}

export function createWinstonFormat(deps: WinstonFormatDeps): () => Logform.Format {
  const factory = logformLib.format((info: Logform.TransformableInfo) => {
    try {
      const level = winstonLevels[String(info.level)] ?? 'info';
      const rest: Fields = {};
      for (const key of Object.keys(info)) {
        if (!WINSTON_OWN.has(key) && key !== FIELD.traceId && key !== FIELD.spanId) rest[key] = info[key];
      }
      let fields: Fields;
      let msg: string | undefined;
      if (info instanceof Error) {
        const { stack: _stack, ...others } = rest;
        fields = deps.fields.fromObject({ ...others, [FIELD.error]: withoutWinstonKeys(info) });
        msg = deps.fields.fromCall(info.message, undefined).msg;
      } else {
        fields = deps.fields.fromObject(rest);
        const text = typeof info.message === 'string' ? info.message : info.message === undefined ? '' : String(info.message);
        msg = text === '' ? undefined : deps.fields.fromCall(text, undefined).msg;
      }
      const record: Fields = {
        [FIELD.level]: level,
        [FIELD.time]: isoTime(),
        [FIELD.service]: deps.service,
        [FIELD.environment]: deps.environment,
        ...deps.fields.correlation(),
        ...fields,
      };
      if (msg !== undefined) record[FIELD.msg] = msg;
      const out = info as Logform.TransformableInfo & Record<string | symbol, unknown>;
      out[MESSAGE] = JSON.stringify(record);
      if (deps.otlp) {
        const correlation = deps.fields.correlation();
        const attributes: Fields = { ...fields };
        if (correlation.experiments !== undefined) attributes.experiments = correlation.experiments;
        deps.otlp.emit(level, msg, attributes, context.active());
      }
    } catch (error) {
      warn('SHOPSCOPE_ERR_CALLBACK', `winston format: ${describe(error)}`, 'callback:winston');
    }
    return info;
  });
  return () => factory();
}

/** winston logs an Error by adding `level` (and more) to the error itself; keep them out. */
function withoutWinstonKeys(error: Error): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error & Record<string, unknown>;
  for (const key of Object.keys(error)) if (!WINSTON_OWN.has(key)) copy[key] = (error as unknown as Record<string, unknown>)[key];
  copy.message = error.message;
  if (error.stack !== undefined) copy.stack = error.stack;
  if (error.cause !== undefined) copy.cause = error.cause;
  return copy;
}
