import { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, context, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/** The storage of the enabled AcmeContextManager; undefined while none is. */
let hot: AsyncLocalStorage<Context> | undefined;

/**
 * Upstream's AsyncLocalStorage context manager, whose storage the per-event hot paths (the http
 * server's `emit`, ../instrumentations/http-fast-path.ts) use directly: `context.active()` looks
 * the manager up in the API's global registry on every call, and `context.with()` binds the
 * callback first. On the bench server that showed in every request's CPU profile.
 * The storage is used only while this manager is enabled; the API's `context.disable()` disables
 * it before another manager can be registered, so the hot paths never outlive it.
 */
export class AcmeContextManager extends AsyncLocalStorageContextManager {
  override enable(): this {
    super.enable();
    hot = storageOf(this);
    return this;
  }

  override disable(): this {
    if (hot !== undefined && hot === storageOf(this)) hot = undefined;
    return super.disable();
  }
}

/** upstream keeps it in a private field; undefined (API calls only) if a version renames it. */
function storageOf(manager: AsyncLocalStorageContextManager): AsyncLocalStorage<Context> | undefined {
  const storage = (manager as unknown as { _asyncLocalStorage?: unknown })._asyncLocalStorage;
  return storage instanceof AsyncLocalStorage ? (storage as AsyncLocalStorage<Context>) : undefined;
}

/** `context.active()`. */
export function activeContext(): Context {
  return hot === undefined ? context.active() : (hot.getStore() ?? ROOT_CONTEXT);
}

/** `fn.apply(thisArg, args)` with `ctx` active: `context.with(ctx, fn, thisArg, ...args)`. */
export function applyIn<R>(ctx: Context, fn: (...args: never[]) => R, thisArg: unknown, args: unknown[]): R {
  if (hot === undefined) return context.with(ctx, fn as (...a: unknown[]) => R, thisArg, ...args);
  return hot.run(ctx, Reflect.apply, fn, thisArg, args) as R;
}

/** Whether the hot paths bypass the API (for tests). */
export function hotContextEnabled(): boolean {
  return hot !== undefined;
}
