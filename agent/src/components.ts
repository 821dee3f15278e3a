// @shopscope/agent/components: the agent's pieces, built one by one without starting the agent
// (importing the main entry starts it). For tools that measure one piece on its own, such as
// the benchmarks. This file only re-exports.
export { loadConfig, type AgentConfig } from './config/env.ts';
export { Experiments } from './commerce/experiments.ts';
export { FieldBuilder } from './logging/fields.ts';
export { ConventionLogger } from './logging/logger.ts';
export { startOtlpLogs, type OtlpLogs } from './logging/otlp-logs.ts';
export { createPino } from './logging/pino-setup.ts';
export { StdoutWriter } from './logging/stdout-writer.ts';
export { createRedaction, createRedactor, redactString, luhnValid } from './logging/redact.ts';
export { levelValues } from './logging/schema.ts';
export { createWinstonFormat } from './logging/winston-format.ts';
export { RequestContextManager } from './tracing/context-manager.ts';
export { LeanTracerProvider } from './tracing/lean-tracer.ts';
