import { type Span, trace } from '@opentelemetry/api';
import { type CallWatch, watchCaptureCallbacks } from './capture-callback.js';

/** What the monitor saw of a fatal error, for the exit path. */
export interface CrashRecord {
  readonly error: unknown;
  readonly origin: 'uncaughtException' | 'unhandledRejection';
}

/**
 * Observes uncaught exceptions (and rejections that became fatal, origin 'unhandledRejection')
 * with `uncaughtExceptionMonitor`, which, unlike an `uncaughtException` or `unhandledRejection`
 * listener, does not change what Node does: same print-out, same exit code,
 * `--abort-on-uncaught-exception` still aborts (before any listener runs). The monitor runs in the
 * async context of the throw, so the active span is the one the error was thrown in: the error is
 * recorded on it (or, if it already ended, on its nearest open relative) as an `exception` event,
 * and on the entry span of its request (a SERVER span) if that is another one. When the process survives (the app has its own
 * `uncaughtException` listener or capture callback) nothing more is done, unless that listener
 * or callback throws (`onListenerThrew`, below, and capture-callback.ts); otherwise the error is
 * kept for the exit path, which runs next, synchronously.
 */
export function installCrashMonitor(
  onFatal: (crash: CrashRecord) => void,
  recordOn: (active: Span | undefined) => (Span | undefined)[] = (active) => [active],
  /**
   * The app's `uncaughtException` listener or capture callback threw: Node exits with code 7 and
   * no 'exit' event.
   */
  onListenerThrew?: (crash: CrashRecord) => void,
  /**
   * The app's `uncaughtException` listeners or capture callback are running for `crash` (then
   * `undefined`: they returned). A `process.exit()` inside them (`log(e); process.exit(1)`, the
   * commonest listener) is that crash's exit: the span it left open ended saying only "the process
   * exited (code 1)".
   */
  onHandling?: (crash: CrashRecord | undefined) => void,
): () => void {
  // The capture callback is given only the error: its origin is the one the monitor saw for it.
  let captured: CrashRecord | undefined;
  const recordFor = (error: unknown): CrashRecord =>
    captured && captured.error === error ? captured : { error, origin: 'uncaughtException' };
  const handling = (crash: CrashRecord | undefined) => {
    try {
      onHandling?.(crash);
    } catch {}
  };
  const disposeCapture =
    onListenerThrew &&
    watchCaptureCallbacks((error) => onListenerThrew(recordFor(error)), {
      enter: (error) => handling(recordFor(error)),
      leave: () => handling(undefined),
    });
  const monitor = (error: unknown, origin: CrashRecord['origin']) => {
    // Never throw from here: Node would report our error instead of the application's. Recording
    // reads the error (a getter may throw), so it is tried on its own: the exit path still has to
    // learn of the crash.
    try {
      const exception = asException(error);
      for (const span of recordOn(trace.getActiveSpan())) {
        if (span?.isRecording()) span.recordException(exception);
      }
    } catch {}
    try {
      if (process.hasUncaughtExceptionCaptureCallback()) {
        captured = { error, origin };
        return;
      }
      if (process.listenerCount('uncaughtException') === 0) onFatal({ error, origin });
      else if (onListenerThrew)
        watchListenerThrow(() => onListenerThrew({ error, origin }), {
          enter: () => handling({ error, origin }),
          leave: () => handling(undefined),
        });
    } catch {}
  };
  process.on('uncaughtExceptionMonitor', monitor);
  return () => {
    process.off('uncaughtExceptionMonitor', monitor);
    disposeCapture?.();
  };
}

/**
 * Runs `onThrow` if the `uncaughtException` listeners Node calls next (synchronously, right after
 * the monitor) throw. Node then prints that error and exits with code 7 from C++: no 'exit' event,
 * so every pending span was lost without a word (`process.on('uncaughtException', (e) => {
 * log(e); throw e; })`, a real way to "rethrow"). For that one emit only, `process.emit` is wrapped:
 * it puts itself back at the first `uncaughtException` emit, before calling the listeners, so the
 * listeners, `process.emit` and everything after see Node's own; other events pass straight through.
 */
function watchListenerThrow(onThrow: () => void, around: CallWatch): void {
  const own = Object.hasOwn(process, 'emit');
  const emit = process.emit;
  const restore = () => {
    if (process.emit !== watching) return;
    if (own) process.emit = emit;
    else delete (process as { emit?: unknown }).emit;
  };
  const watching = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'uncaughtException') return Reflect.apply(emit, this, [event, ...args]) as boolean;
    restore();
    // `finally`, not catch and rethrow: a rethrow would make Node print our line as the error's
    // source instead of the app's.
    let threw = true;
    around.enter(args[0]);
    try {
      const handled = Reflect.apply(emit, this, [event, ...args]) as boolean;
      threw = false;
      return handled;
    } finally {
      around.leave();
      if (threw) {
        try {
          onThrow();
        } catch {}
      }
    }
  } as typeof process.emit;
  process.emit = watching;
}

function asException(error: unknown): Error | string {
  if (error instanceof Error) return error;
  if (typeof error === 'object' && error !== null && 'message' in error) return error as Error;
  return String(error);
}

/**
 * The crash as a span status message. Never throws: an error whose `name` or `message` getter
 * throws (or a Proxy whose traps do) once made the exit path give up, and every pending span was lost.
 */
export function crashMessage(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return `uncaught ${String(error)}`;
  } catch {
    return 'uncaught exception (its message could not be read)';
  }
}
