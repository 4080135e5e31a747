import type { EventEmitter } from 'node:events';
import type { Context, ContextManager } from '@opentelemetry/api';

type Listener = (...args: unknown[]) => unknown;
type ListenerMap = Record<string | symbol, WeakMap<Listener, Listener> | undefined>;
type Method = (this: EventEmitter, ...args: unknown[]) => unknown;

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'] as const;
const kListeners = Symbol('acme.otel.boundListeners');
interface Patched {
  [kListeners]?: ListenerMap;
}

// `once` wraps the listener and calls `on`: the inner call must not wrap the wrapper again, or
// removeListener could no longer find the original (upstream's `_wrapped` flag, same reason).
let adding = false;

/**
 * `context.bind(ctx, emitter)` as upstream's AbstractAsyncHooksContextManager does it: listeners
 * added from now on run in `ctx`; removeListener/off find them by the function as added;
 * removeAllListeners forgets them. An emitter bound once keeps its first context.
 */
export function bindListeners<E extends EventEmitter>(manager: ContextManager, ctx: Context, ee: E): E {
  const target = ee as unknown as Patched & Record<string, Method | undefined>;
  if (target[kListeners] !== undefined) return ee;
  target[kListeners] = Object.create(null) as ListenerMap;
  for (const name of ADD_METHODS) {
    const original = target[name];
    if (original !== undefined) target[name] = patchAdd(manager, ctx, original);
  }
  for (const name of ['removeListener', 'off'] as const) {
    const original = target[name];
    if (typeof original === 'function') target[name] = patchRemove(original);
  }
  const removeAll = target.removeAllListeners;
  if (typeof removeAll === 'function') target.removeAllListeners = patchRemoveAll(removeAll);
  return ee;
}

function patchAdd(manager: ContextManager, ctx: Context, original: Method): Method {
  return function (this: EventEmitter & Patched, event, listener) {
    if (adding) return original.call(this, event, listener);
    this[kListeners] ??= Object.create(null) as ListenerMap;
    const map = this[kListeners];
    const key = event as string | symbol;
    let listeners = map[key];
    if (listeners === undefined) {
      listeners = new WeakMap();
      map[key] = listeners;
    }
    const bound = manager.bind(ctx, listener as Listener);
    listeners.set(listener as Listener, bound);
    adding = true;
    try {
      return original.call(this, event, bound);
    } finally {
      adding = false;
    }
  };
}

function patchRemove(original: Method): Method {
  return function (this: EventEmitter & Patched, event, listener) {
    const listeners = this[kListeners]?.[event as string | symbol];
    if (listeners === undefined) return original.call(this, event, listener);
    return original.call(this, event, listeners.get(listener as Listener) ?? listener);
  };
}

function patchRemoveAll(original: Method): Method {
  return function (this: EventEmitter & Patched, ...args: unknown[]) {
    const map = this[kListeners];
    if (map !== undefined) {
      if (args.length === 0) this[kListeners] = Object.create(null) as ListenerMap;
      else delete map[args[0] as string | symbol];
    }
    return original.apply(this, args);
  };
}
