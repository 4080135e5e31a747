import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import { bindListeners } from './emitter-binding.js';
import { hotStorage, setHotStorage } from './hot-context.js';

/**
 * The context manager `initTracing()` registers: @opentelemetry/api's ContextManager over an
 * AsyncLocalStorage of our own, as upstream's AsyncLocalStorageContextManager does it (same
 * `with`, same `bind` for functions and event emitters), so the http server's channel
 * subscriber can enter a request's context (AsyncLocalStorage#enterWith, ./hot-context.ts)
 * without reaching into upstream's private storage.
 */
export class AcmeContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (thisArg == null) return this.#storage.run(ctx, fn as (...a: A) => ReturnType<F>, ...args);
    // Not `fn.bind(thisArg)` (upstream's): a bound function per call of a `traced` method.
    return this.#storage.run(ctx, Reflect.apply, fn, thisArg, args) as ReturnType<F>;
  }

  bind<T>(ctx: Context, target: T): T {
    if (target instanceof EventEmitter) return bindListeners(this.#bindFunction, ctx, target) as T;
    if (typeof target === 'function') return this.#bindFunction(ctx, target as Fn) as T;
    return target;
  }

  readonly #bindFunction = (ctx: Context, target: Fn): Fn => bindFunction(this.#storage, ctx, target);

  enable(): this {
    setHotStorage(this.#storage);
    return this;
  }

  disable(): this {
    if (hotStorage() === this.#storage) setHotStorage(undefined);
    this.#storage.disable();
    return this;
  }
}

type Fn = (...args: unknown[]) => unknown;

/**
 * Upstream's function binding: same `this`, arguments and `length`. The wrapper has the target's
 * arity where that is 0 to 3 (nearly every callback and listener), so its `length` is its own:
 * redefining it cost more than the rest of the bind. A call enters the context and applies the
 * target, with no closure or array per call. Unlike upstream's, `new` on the wrapper constructs
 * the target (upstream applied it: a class threw "cannot be invoked without 'new'", a constructor
 * function gave an object that was not its instance).
 */
function bindFunction(storage: AsyncLocalStorage<Context>, ctx: Context, target: Fn): Fn {
  switch (target.length) {
    case 0: {
      const wrapper = function (this: unknown) {
        // biome-ignore lint/complexity/noArguments: handed on as is, no array per call
        return invoke(storage, ctx, target, this, arguments, new.target, wrapper);
      };
      return wrapper;
    }
    case 1: {
      const wrapper = function (this: unknown, _a: unknown) {
        // biome-ignore lint/complexity/noArguments: as above
        return invoke(storage, ctx, target, this, arguments, new.target, wrapper);
      };
      return wrapper;
    }
    case 2: {
      const wrapper = function (this: unknown, _a: unknown, _b: unknown) {
        // biome-ignore lint/complexity/noArguments: as above
        return invoke(storage, ctx, target, this, arguments, new.target, wrapper);
      };
      return wrapper;
    }
    case 3: {
      const wrapper = function (this: unknown, _a: unknown, _b: unknown, _c: unknown) {
        // biome-ignore lint/complexity/noArguments: as above
        return invoke(storage, ctx, target, this, arguments, new.target, wrapper);
      };
      return wrapper;
    }
    default: {
      const wrapper = function (this: unknown) {
        // biome-ignore lint/complexity/noArguments: as above
        return invoke(storage, ctx, target, this, arguments, new.target, wrapper);
      };
      Object.defineProperty(wrapper, 'length', {
        enumerable: false,
        configurable: true,
        writable: false,
        value: target.length,
      });
      return wrapper;
    }
  }
}

/** A call of a bound function in its context: applied, or constructed when called with `new`. */
function invoke(
  storage: AsyncLocalStorage<Context>,
  ctx: Context,
  target: Fn,
  self: unknown,
  args: IArguments,
  newTarget: Fn | undefined,
  wrapper: Fn,
): unknown {
  if (newTarget === undefined) return storage.run(ctx, Reflect.apply, target, self, args);
  // `new wrapper()` builds what `new target()` builds; a subclass of the wrapper keeps its own.
  return storage.run(ctx, Reflect.construct, target, args, newTarget === wrapper ? target : newTarget);
}
