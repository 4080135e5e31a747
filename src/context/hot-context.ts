import type { AsyncLocalStorage } from 'node:async_hooks';
import { type Context, context, ROOT_CONTEXT } from '@opentelemetry/api';

/** The storage of the enabled AcmeContextManager (./context-manager.ts); undefined while none is. */
let hot: AsyncLocalStorage<Context> | undefined;

/**
 * The per-event hot paths (the http server's channel subscriber and `emit`,
 * ../instrumentations/http-server-channels.ts) read and enter our manager's storage directly:
 * `context.active()` looks the manager up in the API's global registry on every call, and
 * `context.with()` binds the callback first. On the bench server that showed in every request's
 * CPU profile. Set by the manager's enable(), cleared by its disable(); the API's
 * `context.disable()` disables it before another manager can be registered, so the hot paths
 * never outlive it.
 */
export function setHotStorage(storage: AsyncLocalStorage<Context> | undefined): void {
  hot = storage;
}

export function hotStorage(): AsyncLocalStorage<Context> | undefined {
  return hot;
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

/**
 * Makes `ctx` active for the rest of the current synchronous execution and what it starts
 * (AsyncLocalStorage#enterWith); false (nothing entered) while our manager is not the enabled one.
 * Where that leaks is the caller's to bound: see ../instrumentations/http-server-channels.ts.
 */
export function enterContext(ctx: Context): boolean {
  if (hot === undefined) return false;
  hot.enterWith(ctx);
  return true;
}

/** Whether our manager is enabled, so the hot paths bypass the API and can enter a context. */
export function hotContextEnabled(): boolean {
  return hot !== undefined;
}
