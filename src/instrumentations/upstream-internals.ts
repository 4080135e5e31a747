import type { Instrumentation } from '@opentelemetry/instrumentation';
import { lazyRequire } from '../util/index.js';
import { requireBundled, usesBundledInstrumentations } from './bundled.js';
import type { IitmRawHook, OnRequire } from './hooks.js';
import { filterNewRequireHook } from './require-filter.js';

/**
 * The one file that reaches into upstream internals (issue #23). Each reach-in is listed, with its
 * reason and the upstream version it was checked against, in test/unit/upstream-api.allow.json;
 * the guard test fails if one appears anywhere else in src/ or if the installed version changes.
 *
 * All of them serve lazy loading (lazy-loader.ts): an instrumentation is constructed inside the
 * require, import or channel message that first needs it, after the hook chain for that very
 * load was computed, so the hooks it just registered have to be applied to it by hand.
 * No public API hands those hooks out.
 */

/** What `RequireInTheMiddleSingleton.register` returns, and what InstrumentationBase keeps in `_hooks`. */
export interface RitmHooked {
  readonly moduleName: string;
  readonly onRequire: OnRequire;
}

export interface RitmSingleton {
  register(moduleName: string, onRequire: OnRequire): RitmHooked;
}

/**
 * The one require hook every InstrumentationBase registers through (not exported from the package
 * root). Loading it costs require-in-the-middle and a trie, not the instrumentation framework.
 */
export function getRequireSingleton(): RitmSingleton {
  // From the build: the bundled framework's own (bundled-framework.ts, the same chunk its
  // instrumentations register through), created behind our filter (require-filter.ts): only the
  // catalogue's instrumentations register there.
  if (usesBundledInstrumentations()) {
    const mod = requireBundled('framework') as Singleton;
    return filterNewRequireHook(() => mod.RequireInTheMiddleSingleton.getInstance());
  }
  const mod = lazyRequire(
    '@opentelemetry/instrumentation/build/src/platform/node/RequireInTheMiddleSingleton.js',
  ) as Singleton;
  return mod.RequireInTheMiddleSingleton.getInstance();
}

type Singleton = { RequireInTheMiddleSingleton: { getInstance(): RitmSingleton } };

/** The require and import hooks an instrumentation registered when it was constructed. */
export function registeredHooks(instrumentation: Instrumentation): readonly unknown[] {
  return (instrumentation as unknown as { _hooks?: unknown[] })._hooks ?? [];
}

/** A registered hook as require-in-the-middle calls it, if it is one. */
export function requireHookOf(hook: unknown): RitmHooked | undefined {
  return typeof (hook as RitmHooked | undefined)?.onRequire === 'function' ? (hook as RitmHooked) : undefined;
}

/** A registered hook as import-in-the-middle calls it (`Hook#_iitmHook`), if it is one. */
export function importHookOf(hook: unknown): IitmRawHook | undefined {
  const fn = (hook as { _iitmHook?: unknown } | undefined)?._iitmHook;
  return typeof fn === 'function' ? (fn as IitmRawHook) : undefined;
}

/**
 * Hands a channel message that arrived before the instrumentation subscribed to its handler:
 * instrumentation-undici's private `onRequestCreated` for `undici:request:create`.
 */
export function deliverFirstMessage(instrumentation: Instrumentation, message: unknown): boolean {
  const handler = (instrumentation as unknown as { onRequestCreated?: unknown }).onRequestCreated;
  if (typeof handler !== 'function') return false;
  handler.call(instrumentation, message);
  return true;
}

type PinoMixin = (mergeObject: unknown, level: unknown, logger?: unknown) => Record<string, unknown>;

/**
 * instrumentation-pino's private `_getMixinFunction` builds the mixin it gives each logger; pino
 * calls that mixin with the logger as third argument, which upstream's ignores. `filter` gets the
 * fields and the logger after each call (the logger when pino passed it: not when upstream
 * combines its mixin with the logger's own, which it calls with two arguments) and the log call's
 * object, and returns the object the mixin returns.
 */
export function filterPinoMixin(
  instrumentation: Instrumentation,
  filter: (fields: Record<string, unknown>, logger: unknown, mergeObject: unknown) => Record<string, unknown>,
): void {
  const target = instrumentation as unknown as { _getMixinFunction?: () => PinoMixin };
  const build = target._getMixinFunction;
  if (typeof build !== 'function') return;
  target._getMixinFunction = function getMixinFunction(this: unknown): PinoMixin {
    const mixin = build.call(this);
    return (mergeObject, level, logger) => {
      const fields = mixin(mergeObject, level);
      return fields !== null && typeof fields === 'object' ? filter(fields, logger, mergeObject) : fields;
    };
  };
}

/**
 * The global slot every copy of @opentelemetry/api 1.x keeps its registered tracer provider,
 * context manager, propagator and diag logger in (`GLOBAL_OPENTELEMETRY_API_KEY` in its
 * `internal/global-utils`, not exported). Every API call that needs one of them reads this slot
 * first; the register entries' deferred start fires on that first read (src/sdk/deferred-start.ts).
 */
export const API_GLOBAL_KEY: unique symbol = Symbol.for('opentelemetry.js.api.1');
