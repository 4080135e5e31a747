import { log } from '../diag/index.js';

type CaptureCallback = (error: Error) => unknown;

/** Told when the app's handler of an uncaught error starts (with the error) and returns; never throws. */
export interface CallWatch {
  enter(error: unknown): void;
  leave(): void;
}
type SetCapture = (fn: CaptureCallback | null) => void;

/**
 * Runs `onThrow` when an uncaught-exception capture callback throws. Node calls the callback
 * (`process.setUncaughtExceptionCaptureCallback`, and a domain's error handler, which domains
 * install through the same call) instead of the `uncaughtException` listeners; when it throws,
 * Node prints that error and exits with code 7 from C++, with no `exit` event, so every pending
 * span was lost without a word. Node offers no way to read a callback already set, so the setter
 * itself is wrapped, from start-up on: each function set afterwards is set wrapped, and the
 * wrapper runs `onThrow` in a `finally` (a catch and rethrow would make Node print our line as the
 * error's source). Anything not a function (`null`, or a wrong argument Node rejects) is passed as
 * given, so Node's checks and errors are its own. `require('node:domain')` keeps the setter it
 * finds at load, so a domain loaded after start-up is watched too.
 *
 * A callback set before this runs cannot be wrapped (nor read): said once, since its throw loses
 * what is queued.
 *
 * Returns the undo: the setter is put back if it is still ours; callbacks set meanwhile stay
 * wrapped but no longer report.
 */
export function watchCaptureCallbacks(onThrow: (error: unknown) => void, around?: CallWatch): () => void {
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
  let active = true;
  const watching = function (this: unknown, fn: CaptureCallback | null): void {
    if (typeof fn !== 'function') {
      Reflect.apply(set, this, [fn]);
      return;
    }
    const watched = function (this: unknown, error: Error): unknown {
      let threw = true;
      if (active) around?.enter(error);
      try {
        const result = Reflect.apply(fn, this, [error]);
        threw = false;
        return result;
      } finally {
        if (active) around?.leave();
        if (threw && active) {
          try {
            onThrow(error);
          } catch {}
        }
      }
    };
    Reflect.apply(set, this, [watched]);
  };
  process.setUncaughtExceptionCaptureCallback = watching;
  return () => {
    active = false;
    if (process.setUncaughtExceptionCaptureCallback !== watching) return;
    if (own) process.setUncaughtExceptionCaptureCallback = set;
    else
      delete (process as { setUncaughtExceptionCaptureCallback?: unknown })
        .setUncaughtExceptionCaptureCallback;
  };
}
