import { warn } from './warn.ts';

// Agent code that runs inside the host's call stacks (diagnostics-channel subscribers, hooks,
// exporter callbacks) goes through here, so a bug in the agent becomes a warning, never an
// exception in the application.

export function safeCall<A extends unknown[], R>(where: string, fn: (...args: A) => R): (...args: A) => R | undefined {
  return (...args: A): R | undefined => {
    try {
      return fn(...args);
    } catch (error) {
      warn('SHOPSCOPE_ERR_CALLBACK', `${where}: ${describe(error)}`, `callback:${where}`);
      return undefined;
    }
  };
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
