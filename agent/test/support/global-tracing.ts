import { context, trace } from '@opentelemetry/api';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll } from 'vitest';
import { RequestContextManager } from '../../src/tracing/context-manager.ts';

/** The agent's context manager and `provider` as the process-wide ones for a test file's tests. */
export function useGlobalTracing(provider: TracerProvider): void {
  beforeAll(() => {
    context.setGlobalContextManager(new RequestContextManager());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(() => {
    context.disable();
    trace.disable();
  });
}
