import { TraceFlags, trace, type Context } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordProcessor, type SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { AgentConfig } from '../config/env.ts';
import { ExportBudget, type DropCounter } from '../export/export-budget.ts';
import { encodeResource, encodeScope, writeLogRecord } from '../export/otlp-encode.ts';
import { OtlpSender, type ItemEncoder } from '../export/otlp-sender.ts';
import type { Fields } from './fields.ts';
import { severityNumbers, type LevelName } from './schema.ts';

// The OTLP copy of every log line (for Loki). The agent's own lines (convention logger,
// winston format, access log) are encoded when written and sent in batches, like spans (see
// tracing/encoding-span-processor.ts). An SDK LoggerProvider is registered globally as well,
// so the pino instrumentation can send the app's own pino lines; both paths share one export
// budget.

class BudgetedLogProcessor implements LogRecordProcessor {
  constructor(
    private readonly inner: LogRecordProcessor,
    private readonly budget: ExportBudget,
  ) {}

  onEmit(record: SdkLogRecord, context?: Context): void {
    if (this.budget.admit()) this.inner.onEmit(record, context);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
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

export function startOtlpLogs(config: AgentConfig, resource: Resource, onDrop: DropCounter): OtlpLogs {
  const budget = new ExportBudget('logs', config.exportQueueSize, onDrop);
  const exporter = budget.wrap(new OTLPLogExporter({ url: config.logs.endpoint, timeoutMillis: 5000 }));
  const processor = new BatchLogRecordProcessor({
    exporter,
    maxQueueSize: config.exportQueueSize,
    maxExportBatchSize: Math.min(512, config.exportQueueSize),
    scheduledDelayMillis: 1000,
    exportTimeoutMillis: 10_000,
  });
  const provider = new LoggerProvider({
    resource,
    processors: [new BudgetedLogProcessor(processor, budget)],
    logRecordLimits: { attributeCountLimit: 64, attributeValueLengthLimit: 8192 },
  });
  logs.setGlobalLoggerProvider(provider);

  const sender = new OtlpSender({ url: config.logs.endpoint, resource: encodeResource(resource.attributes), budget, compression: config.exportCompression });
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
