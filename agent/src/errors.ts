// Every problem the agent reports has a stable code, kept in this one file. The README has a
// heading per code and a test fails when the two disagree. None of these is ever thrown into the
// host application: they are written to stderr (once, or rate-limited) and the feature degrades.

export const errorCodes = {
  SHOPSCOPE_ERR_CONFIG_INVALID: 'An environment variable has a value the agent cannot use; that feature is turned off',
  SHOPSCOPE_ERR_METRICS_PORT: 'The /metrics endpoint could not listen on its port; metrics are still counted but not served',
  SHOPSCOPE_ERR_EXPORT_FAILED: 'Telemetry could not be exported to the collector; the batch was dropped and counted',
  SHOPSCOPE_ERR_QUEUE_FULL: 'The export queue is full (collector slow or unreachable); new telemetry is dropped and counted',
  SHOPSCOPE_ERR_INSTRUMENTATION: 'An instrumentation failed to load or threw; the library keeps working uninstrumented',
  SHOPSCOPE_ERR_CALLBACK: 'Agent code running inside a request or library call threw; the error was swallowed',
  SHOPSCOPE_ERR_SHUTDOWN_TIMEOUT: 'Flushing telemetry at shutdown took longer than the deadline; the rest was abandoned',
} as const;

export type ErrorCode = keyof typeof errorCodes;
