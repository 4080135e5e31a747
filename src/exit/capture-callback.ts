import { log } from '../diag/log.js';

type CaptureCallback = (error: Error) => unknown;

/** Told when the app's handler of an uncaught error starts (with the error) and returns; never throws. */
export interface CallWatch {
  enter(error: unknown): void;
  leave(): void;
}
type SetCapture = (fn: CaptureCallback | null) => void;

interface Watcher {
  readonly onThrow: (error: unknown) => void;
  readonly around: CallWatch | undefined;
}

/**
 * One per process, shared by every copy of this module (the register entry's bundle, the CJS and
 * ESM builds): the setter may be wrapped by the register entry at start-up and watched by the
 * tracing that starts later.
 */
interface CaptureState {
  /** Who is told of a callback's throw: the running tracing's exit path, if any. */
  watcher: Watcher | undefined;
  /** Our setter, while it is installed, and Node's (or whatever we found) under it. */
  wrapper: SetCapture | undefined;
  found: { readonly set: SetCapture; readonly own: boolean } | undefined;
}
const STATE_KEY = Symbol.for('@acme/otel/capture-callback');
const g = globalThis as { [STATE_KEY]?: CaptureState };
if (g[STATE_KEY] === undefined) g[STATE_KEY] = { watcher: undefined, wrapper: undefined, found: undefined };
const state: CaptureState = g[STATE_KEY];

/**
 * Wraps `process.setUncaughtExceptionCaptureCallback` (unless ours is there already), so that every
 * callback set from now on is watched. Node calls the callback (`process.setUncaughtExceptionCaptureCallback`,
 * and a domain's error handler, which domains install through the same call) instead of the
 * `uncaughtException` listeners; when it throws, Node prints that error and exits with code 7 from
 * C++, with no `exit` event, so every pending span was lost without a word. Node offers no way to
 * read a callback already set, so the setter itself is wrapped, as early as possible: the register
 * entries do it at start-up, before tracing itself starts (when the app first needs it), since an
 * app's first line may set one. Each function set afterwards is set wrapped, and the wrapper tells
 * the watcher of the moment (watchCaptureCallbacks) in a `finally` (a catch and rethrow would make
 * Node print our line as the error's source). Anything not a function (`null`, or a wrong argument
 * Node rejects) is passed as given, so Node's checks and errors are its own.
 * `require('node:domain')` keeps the setter it finds at load, so a domain loaded after this is
 * watched too. A callback set before this cannot be wrapped (nor read): said once, since its throw
 * loses what is queued. True when it installed the wrapper now.
 */
export function wrapCaptureSetter(): boolean {
  if (state.wrapper !== undefined && process.setUncaughtExceptionCaptureCallback === state.wrapper)
    return false;
  if (process.hasUncaughtExceptionCaptureCallback()) {
    log.warnOnce(
      'capture-callback-before-start',
      "an uncaught-exception capture callback (process.setUncaughtExceptionCaptureCallback, or a domain's " +
        "error handler) was set before tracing started: should it throw, Node exits with code 7 and no 'exit' " +
        'event, and the spans still queued are lost. Start tracing first (node --require @acme/otel/register)',
    );
  }
  const own = Object.hasOwn(process, 'setUncaughtExceptionCaptureCallback');
  const set = process.setUncaughtExceptionCaptureCallback as SetCapture;
  const watching = function (this: unknown, fn: CaptureCallback | null): void {
    if (typeof fn !== 'function') {
      Reflect.apply(set, this, [fn]);
      return;
    }
    const watched = function (this: unknown, error: Error): unknown {
      // The watcher when the error comes, not when the callback was set.
      const watcher = state.watcher;
      let threw = true;
      watcher?.around?.enter(error);
      try {
        const result = Reflect.apply(fn, this, [error]);
        threw = false;
        return result;
      } finally {
        watcher?.around?.leave();
        if (threw && watcher) {
          try {
            watcher.onThrow(error);
          } catch {}
        }
      }
    };
    Reflect.apply(set, this, [watched]);
  };
  process.setUncaughtExceptionCaptureCallback = watching;
  state.wrapper = watching;
  state.found = { set, own };
  return true;
}

/**
 * Runs `onThrow` when an uncaught-exception capture callback throws (wrapCaptureSetter), and tells
 * `around` when one starts and returns.
 *
 * Returns the undo: this watcher is no longer told, and the setter is put back if this call
 * wrapped it and it is still ours; callbacks set meanwhile stay wrapped.
 */
export function watchCaptureCallbacks(onThrow: (error: unknown) => void, around?: CallWatch): () => void {
  const installed = wrapCaptureSetter();
  const watcher: Watcher = { onThrow, around };
  state.watcher = watcher;
  return () => {
    if (state.watcher === watcher) state.watcher = undefined;
    if (!installed || process.setUncaughtExceptionCaptureCallback !== state.wrapper) return;
    const found = state.found!;
    if (found.own) process.setUncaughtExceptionCaptureCallback = found.set;
    else
      delete (process as { setUncaughtExceptionCaptureCallback?: unknown })
        .setUncaughtExceptionCaptureCallback;
    state.wrapper = undefined;
    state.found = undefined;
  };
}
