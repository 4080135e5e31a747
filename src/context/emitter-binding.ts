import { EventEmitter } from 'node:events';
import type { Context } from '@opentelemetry/api';

type Listener = (...args: unknown[]) => unknown;
type Method = (this: EventEmitter, ...args: unknown[]) => unknown;
/** Binds a listener to a context: the context manager's function binding. */
export type BindFunction = (ctx: Context, fn: Listener) => Listener;

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;
const QUERY_METHODS = ['listeners', 'listenerCount'] as const;
type Name = (typeof ADD_METHODS)[number] | (typeof REMOVE_METHODS)[number] | (typeof QUERY_METHODS)[number];
const NAMES: readonly Name[] = [...ADD_METHODS, ...REMOVE_METHODS, ...QUERY_METHODS];

const kBinding = Symbol('acme.otel.emitterBinding');
/** On a bound listener: the listener as the application added it. */
const kOriginal = Symbol('acme.otel.boundListener');

/** What a bound emitter keeps: its context and the methods it had before. */
interface Binding {
  readonly ctx: Context;
  readonly bind: BindFunction;
  readonly originals: Partial<Record<Name, Method>>;
}
interface Bound {
  [kBinding]?: Binding;
}
interface Wrapped {
  [kOriginal]?: Listener;
  listener?: Wrapped;
}

// `once` wraps the listener and calls `on`: the inner call must not wrap the wrapper again, or
// removeListener could no longer find the original. Upstream skips every add made while one is
// in progress (its `_wrapped` flag), so a listener added from a 'newListener' handler was not
// bound; here only the listener being added, or `once`'s wrapper of it, passes through.
let adding: Listener | undefined;

/**
 * `context.bind(ctx, emitter)` as upstream's AbstractAsyncHooksContextManager does it: listeners
 * added from now on run in `ctx`; removeListener/off find them by the function as added;
 * removeAllListeners removes them. Bound again, in another request's context (a pooled client
 * checked out again), listeners added from then on run in the new context: upstream keeps the
 * first, so the second request's listeners ran in the first request's trace. Unlike
 * upstream, `listeners()` and `listenerCount(event, listener)` answer with the functions as added,
 * as Node does for `once`: code that checks `listeners('error').includes(onError)` before adding
 * it again would otherwise add it once per call.
 *
 * Upstream's costs per emitter: eight closures, and per event a WeakMap from listener to bound
 * listener. Here the emitter gets the shared methods below and one record; a bound listener
 * carries its original, and removal finds it among the event's listeners (Node scans them too).
 * Nothing is kept for removeAllListeners to forget, so that method is the emitter's own.
 */
export function bindListeners<E extends EventEmitter>(bind: BindFunction, ctx: Context, ee: E): E {
  const target = ee as unknown as Bound & Record<string, Method | undefined>;
  const existing = target[kBinding];
  if (existing !== undefined) {
    // Already patched: only the context for listeners added from now on changes.
    target[kBinding] = { ctx, bind, originals: existing.originals };
    return ee;
  }
  const originals: Partial<Record<Name, Method>> = {};
  for (const name of NAMES) {
    const original = target[name];
    if (typeof original === 'function') originals[name] = original;
  }
  target[kBinding] = { ctx, bind, originals };
  for (const name of NAMES) if (originals[name] !== undefined) target[name] = SHARED[name];
  return ee;
}

function addMethod(name: (typeof ADD_METHODS)[number]): Method {
  return function (this: EventEmitter & Bound, event, listener) {
    const binding = this[kBinding];
    const original = originalOf(binding, name);
    if (binding === undefined || typeof listener !== 'function') return original.call(this, event, listener);
    if (adding !== undefined && (listener === adding || (listener as Wrapped).listener === adding))
      return original.call(this, event, listener);
    const bound = binding.bind(binding.ctx, listener as Listener) as Listener & Wrapped;
    bound[kOriginal] = listener as Listener;
    const outer = adding;
    adding = bound;
    try {
      return original.call(this, event, bound);
    } finally {
      adding = outer;
    }
  };
}

function removeMethod(name: (typeof REMOVE_METHODS)[number]): Method {
  return function (this: EventEmitter & Bound, event, listener) {
    return originalOf(this[kBinding], name).call(
      this,
      event,
      boundFor(this, event as string | symbol, listener),
    );
  };
}

/**
 * The method a bound emitter had, or EventEmitter's own for a shared method called on an object
 * that was never bound (taken off a bound emitter and called on another).
 */
function originalOf(binding: Binding | undefined, name: Name): Method {
  return (binding?.originals[name] ?? EventEmitter.prototype[name]) as Method;
}

/**
 * The listener to remove for `listener` as the application added it: its bound form (as added, or
 * inside the wrapper `once` made), newest first as Node removes, else `listener` itself.
 */
function boundFor(ee: EventEmitter, event: string | symbol, listener: unknown): unknown {
  const raw = ee.rawListeners(event) as Wrapped[];
  for (let i = raw.length - 1; i >= 0; i--) {
    const entry = raw[i] as Wrapped;
    const inner = entry.listener;
    // Added before the bind, as is or through `once`: Node finds it by its own rule.
    if (entry === listener || inner === listener) return listener;
    if (entry[kOriginal] === listener) return entry;
    if (inner !== undefined && inner[kOriginal] === listener) return inner;
  }
  return listener;
}

/** `listeners(event)`: the functions as the application added them, not their bound forms. */
function listeners(this: EventEmitter & Bound, event: unknown): unknown {
  const list = originalOf(this[kBinding], 'listeners').call(this, event) as Wrapped[];
  return list.map((entry) => entry[kOriginal] ?? entry);
}

/** `listenerCount(event, listener)`: counts `listener`'s bound forms as Node counts `once`'s. */
function listenerCount(this: EventEmitter & Bound, ...args: unknown[]): unknown {
  const [event, listener] = args;
  if (listener === undefined || listener === null)
    return originalOf(this[kBinding], 'listenerCount').apply(this, args);
  let count = 0;
  for (const entry of this.rawListeners(event as string | symbol) as Wrapped[]) {
    const inner = entry.listener;
    if (entry === listener || inner === listener || entry[kOriginal] === listener) count++;
    else if (inner !== undefined && inner[kOriginal] === listener) count++;
  }
  return count;
}

const SHARED: Record<Name, Method> = {
  addListener: addMethod('addListener'),
  on: addMethod('on'),
  once: addMethod('once'),
  prependListener: addMethod('prependListener'),
  prependOnceListener: addMethod('prependOnceListener'),
  removeListener: removeMethod('removeListener'),
  off: removeMethod('off'),
  listeners,
  listenerCount,
};
