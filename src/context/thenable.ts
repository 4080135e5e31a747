import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';

type Then = (
  this: unknown,
  onFulfilled: (value: unknown) => void,
  onRejected: (error: unknown) => void,
) => unknown;

const nativeThen = Promise.prototype.then;

/**
 * The `then` method of `value`, read once as `await` reads it, or undefined when `value` is not a
 * thenable. Throws what a `then` getter throws.
 */
export function thenOf(value: unknown): Then | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  const then = (value as { then?: unknown }).then;
  return typeof then === 'function' ? (then as Then) : undefined;
}

/**
 * A native promise that settles as `thenable` does, as `await` would follow it. A thenable that is
 * not a native promise gets its `then` called now, in `ctx`: lazy ones (query builders, mongoose
 * queries, p-lazy) start their work there, so it belongs to the span that returned them, and a
 * `then` that returns nothing, or throws, still gives a promise that settles with the right value.
 */
export function follow(thenable: unknown, then: Then, ctx: Context): Promise<unknown> {
  if (then === nativeThen && thenable instanceof Promise) return thenable;
  return new Promise((resolve, reject) => {
    try {
      context.with(ctx, then, thenable, resolve, reject);
    } catch (error) {
      reject(error);
    }
  });
}
