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
    const cb = thisArg == null ? fn : fn.bind(thisArg);
    return this.#storage.run(ctx, cb as (...a: A) => ReturnType<F>, ...args);
  }

  bind<T>(ctx: Context, target: T): T {
    if (target instanceof EventEmitter) return bindListeners(this, ctx, target) as T;
    if (typeof target === 'function')
      return bindFunction(this, ctx, target as (...a: unknown[]) => unknown) as T;
    return target;
  }

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

/** Upstream's function binding: same `this` and arguments, same `length`. */
function bindFunction(manager: ContextManager, ctx: Context, target: (...a: unknown[]) => unknown) {
  const wrapper = function (this: unknown, ...args: unknown[]) {
    return manager.with(ctx, () => target.apply(this, args));
  };
  Object.defineProperty(wrapper, 'length', {
    enumerable: false,
    configurable: true,
    writable: false,
    value: target.length,
  });
  return wrapper;
}
