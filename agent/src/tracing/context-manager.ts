import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

// Like @opentelemetry/context-async-hooks' AsyncLocalStorageContextManager, plus `enter()`:
// the inbound-request subscriber runs on the diagnostics channel `http.server.request.start`,
// synchronously before the server emits 'request', and has no callback to wrap in `with()`.
// `enterWith` makes the request's context current for the handler and everything it schedules,
// without wrapping the server's emit (the costly part of the usual http instrumentation).
// Event emitters are returned unbound: none of the chosen instrumentations binds emitters.

export class RequestContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    const cb = thisArg === undefined ? fn : fn.bind(thisArg);
    return this.storage.run(context, cb as never, ...args) as ReturnType<F>;
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const original = target as unknown as (...args: unknown[]) => unknown;
    const storage = this.storage;
    const bound = function (this: unknown, ...args: unknown[]): unknown {
      return storage.run(context, () => original.apply(this, args));
    };
    Object.defineProperty(bound, 'length', { value: original.length });
    return bound as unknown as T;
  }

  /** Makes `context` current for the rest of this synchronous run and what it schedules. */
  enter(context: Context): void {
    this.storage.enterWith(context);
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}
