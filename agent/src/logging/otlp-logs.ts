import { TraceFlags, trace, type Context } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { AgentConfig } from '../config/env.ts';
import { ExportBudget, type DropCounter } from '../export/export-budget.ts';
import {
  ScopeEncodings,
  encodeResource,
  encodeScope,
  writeLogRecord,
  writeSdkLogRecord,
  type SdkLogFields,
} from '../export/otlp-encode.ts';
import { OtlpSender, type ItemEncoder } from '../export/otlp-sender.ts';
import type { ProtobufWriter } from '../export/protobuf-writer.ts';
import { safeCall } from '../safety/safe-call.ts';
import type { Fields } from './fields.ts';
import { createRedaction, type Redaction } from './redact.ts';
import { severityNumbers, type LevelName } from './schema.ts';

// The OTLP copy of every log line (for the log store). The agent's own lines (convention logger,
// winston format, access log) are encoded when written and sent in batches, like spans (see
// tracing/encoding-span-processor.ts). An SDK LoggerProvider is registered globally as well,
// so the pino instrumentation can send the app's own pino lines; its records are encoded the
// same way, into the same batches and export budget. (The SDK's batch processor and OTLP
// exporter are not used: they kept every record object queued until export, and the exporter
// alone brought protobufjs and about 3 MB of heap.)
//
// The agent's own lines are redacted when they are built (fields.ts), before stdout and OTLP
// alike. Records from the SDK LoggerProvider (the app's own pino lines, or anything else that
// logs through the OpenTelemetry logs API) were never seen by the agent's logger: their body
// and attributes are redacted here, as they are encoded, with the same rules.

/** The record's body and attributes redacted; the record itself when nothing changed. */
function redactedRecord(record: SdkLogRecord, redaction: Redaction): SdkLogFields {
  const body = redaction.value(record.body);
  const attributes = redaction.value(record.attributes);
  if (body === record.body && attributes === record.attributes) return record;
  return {
    hrTime: record.hrTime,
    hrTimeObserved: record.hrTimeObserved,
    severityNumber: record.severityNumber,
    severityText: record.severityText,
    body,
    attributes,
    droppedAttributesCount: record.droppedAttributesCount,
    spanContext: record.spanContext,
    eventName: record.eventName,
  };
}

/** The LoggerProvider's processor: each record is redacted and encoded as it is emitted, then dropped. */
class EncodingLogProcessor implements LogRecordProcessor {
  private readonly scopes = new ScopeEncodings();
  readonly onEmit: (record: SdkLogRecord) => void;

  constructor(
    private readonly sender: OtlpSender,
    redaction: Redaction,
  ) {
    // Redaction runs inside the encoder: one that throws gets its item taken back, so a record
    // is never sent unredacted.
    const encode = (w: ProtobufWriter, record: SdkLogRecord): void => writeSdkLogRecord(w, redactedRecord(record, redaction));
    this.onEmit = safeCall('log record export', (record: SdkLogRecord) => {
      sender.offer(this.scopes.of(record.instrumentationScope), encode, record);
    });
  }

  forceFlush(): Promise<void> {
    return this.sender.flush();
  }

  shutdown(): Promise<void> {
    return this.sender.flush();
  }
}

export interface OtlpLogs {
  provider: LoggerProvider;
  budget: ExportBudget;
  emit(level: LevelName, msg: string | undefined, fields: Fields, context: Context): void;
  /** Sends a record the caller encodes itself (the access log's fixed shape). */
  emitEncoded<T>(encode: ItemEncoder<T>, item: T): void;
  flush(): Promise<void>;
}

/** `redaction`: the agent's (built once at start); the default rules when not given. */
export function startOtlpLogs(
  config: AgentConfig,
  resource: Resource,
  onDrop: DropCounter,
  redaction: Redaction = createRedaction(),
): OtlpLogs {
  const budget = new ExportBudget('logs', config.exportQueueSize, onDrop);
  const sender = new OtlpSender({
    url: config.logs.endpoint,
    headers: config.logs.headers,
    resource: encodeResource(resource.attributes),
    budget,
    compression: config.exportCompression,
  });
  const provider = new LoggerProvider({
    resource,
    processors: [new EncodingLogProcessor(sender, redaction)],
    logRecordLimits: { attributeCountLimit: 64, attributeValueLengthLimit: 8192 },
  });
  logs.setGlobalLoggerProvider(provider);

  const scope = encodeScope('@shopscope/agent', undefined);
  return {
    provider,
    budget,
    emit(level, msg, fields, context) {
      const sc = trace.getSpan(context)?.spanContext();
      sender.offer(scope, writeLogRecord, {
        timeMs: Date.now(),
        severityNumber: severityNumbers[level],
        severityText: level,
        body: msg,
        attributes: fields,
        traceId: sc?.traceId,
        spanId: sc?.spanId,
        traceFlags: sc?.traceFlags ?? TraceFlags.NONE,
      });
    },
    emitEncoded(encode, item) {
      sender.offer(scope, encode, item);
    },
    flush: () => Promise.all([sender.flush(), provider.forceFlush()]).then(() => undefined),
  };
}
