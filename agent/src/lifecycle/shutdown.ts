import { warn } from '../safety/warn.ts';

// On SIGTERM/SIGINT the agent flushes within a deadline and then gets out of the way. Adding a
// signal listener turns off Node's default "exit on signal", so: when the app has its own
// listener, the app stays in charge of exiting (the agent only flushes, on unref'd timers);
// when the agent is the only listener, it removes itself after the flush and re-raises the
// signal, so the process ends exactly as it would have without the agent.

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function installShutdown(flush: () => Promise<void>, timeoutMs: number): () => Promise<void> {
  let flushing: Promise<void> | undefined;
  const flushWithDeadline = (): Promise<void> => {
    flushing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        warn('SHOPSCOPE_ERR_SHUTDOWN_TIMEOUT', `telemetry flush exceeded ${timeoutMs} ms; unsent telemetry abandoned`);
        resolve();
      }, timeoutMs);
      timer.unref();
      flush()
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          resolve();
        });
    });
    return flushing;
  };

  for (const signal of SIGNALS) {
    const onSignal = (): void => {
      const appListens = process.listenerCount(signal) > 1;
      void flushWithDeadline().then(() => {
        if (appListens) return;
        process.removeListener(signal, onSignal);
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
  process.once('beforeExit', () => void flushWithDeadline());
  return flushWithDeadline;
}
