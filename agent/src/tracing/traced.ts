import { trace } from '@opentelemetry/api';
import { TRACER_NAME } from './provider.ts';
import { recordFailure } from './span-failure.ts';

// Business methods as child spans, so a checkout trace reads as a call tree:
//   const reserve = traced('inventory.reserve', async (sku, qty) => { … });
//   class Orders { @traced() async checkout(cart) { … } }      // span "Orders.checkout"
// The span records duration, error status and an exception event; the function's own result
// and errors pass through untouched. Only the public API is used, so without the agent this is
// a no-op wrapper.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (...args: any[]) => any;
type MethodDecorator = <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext) => F;

export function traced<F extends AnyFunction>(name: string, fn: F): F;
export function traced<F extends AnyFunction>(fn: F): F;
export function traced(name?: string): MethodDecorator;
export function traced(first?: string | AnyFunction, second?: AnyFunction): AnyFunction | MethodDecorator {
  if (typeof first === 'function') return wrap(() => first.name || 'anonymous', first);
  if (typeof second === 'function') return wrap(() => first ?? (second.name || 'anonymous'), second);
  const fixedName = first;
  return <F extends AnyFunction>(method: F, context: ClassMethodDecoratorContext): F => {
    const methodName = String(context.name);
    const names = new WeakMap<object, string>();
    function spanName(self: unknown): string {
      if (fixedName) return fixedName;
      const owner = (typeof self === 'function' ? self : (self as { constructor?: object })?.constructor) ?? Object;
      let name = names.get(owner);
      if (name === undefined) {
        name = `${(owner as { name?: string }).name || 'anonymous'}.${methodName}`;
        names.set(owner, name);
      }
      return name;
    }
    return wrapWithThis(spanName, method) as F;
  };
}

function wrap<F extends AnyFunction>(spanName: () => string, fn: F): F {
  return wrapWithThis(() => spanName(), fn);
}

function wrapWithThis<F extends AnyFunction>(spanName: (self: unknown) => string, fn: F): F {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    return runInSpan(spanName(this), () => fn.apply(this, args));
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  return wrapped as F;
}

function runInSpan<R>(name: string, call: () => R): R {
  let entered = false;
  try {
    return trace.getTracer(TRACER_NAME).startActiveSpan(name, (span) => {
      entered = true;
      let result: R;
      try {
        result = call();
      } catch (error) {
        recordFailure(span, error);
        span.end();
        throw error;
      }
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
        return (result as unknown as PromiseLike<unknown>).then(
          (value) => {
            span.end();
            return value;
          },
          (error: unknown) => {
            recordFailure(span, error);
            span.end();
            throw error;
          },
        ) as R;
      }
      span.end();
      return result;
    });
  } catch (error) {
    if (entered) throw error;
    return call();
  }
}
