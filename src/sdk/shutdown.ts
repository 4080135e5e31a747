import { constants } from 'node:os';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { signalExitListeners } from './signal-observers.js';

/**
 * Every signal whose default ends a Node process and that a listener can catch, but those a tool
 * owns: SIGPROF (V8's CPU profiler), SIGTRAP (debuggers), SIGABRT (`process.abort()`), SIGUSR1
 * (Node's inspector), SIGSYS (seccomp). Node itself ignores SIGPIPE and SIGXFSZ, and reserves
 * SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGKILL. SIGQUIT is Ctrl-\\ and some images' stop signal;
 * SIGXCPU comes before the kernel's SIGKILL at a CPU-time limit (`ulimit -t`, a batch scheduler).
 * Windows has SIGINT, SIGTERM (never delivered) and SIGHUP (the console closing) only.
 */
const POSIX_SIGNALS = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGUSR2',
  'SIGQUIT',
  'SIGXCPU',
  'SIGALRM',
  'SIGVTALRM',
  'SIGPWR',
  'SIGIO',
  'SIGSTKFLT',
] as const;
type ExitSignal = (typeof POSIX_SIGNALS)[number];
const SIGNAL_NUMBERS = constants.signals as Partial<Record<ExitSignal, number>>;
/** The ones this platform has (SIGPWR, SIGSTKFLT: Linux). */
const HANDLED: readonly ExitSignal[] =
  process.platform === 'win32'
    ? ['SIGTERM', 'SIGINT']
    : POSIX_SIGNALS.filter((signal) => SIGNAL_NUMBERS[signal] !== undefined);

/**
 * Resolve when `promise` settles or after `ms`, whichever is first; never rejects. A timeout is
 * said in a line naming `what`, unless `sayTimeout` is false: the caller's next step says it.
 */
export function timeBox(
  promise: Promise<unknown>,
  ms: number,
  what: string,
  sayTimeout = true,
): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (sayTimeout)
        log.warn(`${what} did not finish within ${ms} ms; giving up so the process is not held open`);
      resolve('timeout');
    }, ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve('done');
      },
      (error: unknown) => {
        clearTimeout(timer);
        log.warn(`${what} failed: ${errorMessage(error)}`);
        resolve('done');
      },
    );
  });
}

/**
 * A flush, time-boxed as `timeBox` boxes it. The batch processors give up inside the box and
 * resolve, so one that `gaveUp` is said as a timeout all the same.
 */
export async function flushWithin(
  flush: () => Promise<void>,
  ms: number,
  gaveUp: (() => boolean) | undefined,
  what: string,
): Promise<void> {
  const outcome = await timeBox(flush(), ms, what, false);
  if (outcome === 'timeout' || gaveUp?.())
    log.warn(`${what} did not finish within ${ms} ms; giving up so the process is not held open`);
}

export interface ProcessHooks {
  /** Remove every listener this installed. */
  dispose(): void;
}

/**
 * SIGTERM/SIGINT/SIGHUP/SIGUSR2 and the others of HANDLED: flush and shut down, then exit with
 * 128 + signal number (143 / 130 / 129 / 140 / SIGQUIT 131) as a shell reports Node's default, unless something else listens for that signal (the
 * application; for SIGUSR2 also Node's own `--heapsnapshot-signal` and `--report-on-signal`
 * handlers), in which case that owns the exit and we only flush. SIGUSR2 is how nodemon restarts
 * an application: the spans of the last seconds before each restart were lost. (We exit rather than re-raise the signal:
 * as PID 1 in a container a re-raised SIGTERM with no handler is ignored by the kernel.)
 * `beforeExit`: flush what is pending, time-boxed, so short scripts lose nothing.
 */
export function installProcessHooks(opts: {
  shutdown: () => Promise<void>;
  flush: () => Promise<void>;
  /** After a flush: it gave up at its bound, with spans still queued or being exported. */
  flushGaveUp?: () => boolean;
  /** The exit flush gave up at its bound: the process exits next. */
  onExitFlushGaveUp?: () => void;
  timeoutMillis: number;
  /** A signal arrived: `appOwnsExit` false when this process is about to exit because of it. */
  onSignal?: (signal: ExitSignal, appOwnsExit: boolean) => void;
  /**
   * Another signal came while the first one's shutdown ran, or one came while the flush at the
   * script's end (`atEnd`) waited: the process exits now, not waiting.
   */
  onForce?: (signal: ExitSignal, atEnd?: boolean) => void;
}): ProcessHooks {
  /** The flush at the script's end (`beforeExit`) is running. */
  let flushing = false;
  const onSignal = (signal: ExitSignal) => {
    // Ours, and signal-exit's that only observe: anything more is a handler that owns the exit.
    const appOwnsExit = process.listenerCount(signal) > 1 + signalExitListeners();
    opts.onSignal?.(signal, appOwnsExit);
    if (flushing && !appOwnsExit) {
      // The script had ended and only our flush kept it running (a slow collector): the signal
      // means now, and it waited out the whole time box. The exit code stays the script's, as
      // untraced it had exited with it already.
      opts.onForce?.(signal, true);
      process.exit(process.exitCode ?? 0);
    }
    log.debug(
      `${signal} received; flushing spans${appOwnsExit ? ' (the application handles the exit)' : ''}`,
    );
    if (appOwnsExit) {
      // Only a flush: whoever listens may keep the process running (a config reload on SIGHUP,
      // Node's diagnostic report on SIGUSR2), and tracing must go on. If it exits, the exit path
      // sends the rest.
      void flushWithin(opts.flush, opts.timeoutMillis, opts.flushGaveUp, `flushing spans on ${signal}`);
      return;
    }
    void opts.shutdown().finally(() => process.exit(exitCode(signal)));
    // Untraced, the signal ended the process here: nothing of the app's ran after it. An error of
    // the app's while we flush (a timer, a rejection) crashed the process instead, exit 1 with its
    // stack where untraced gave 143 and printed nothing. The monitor runs before any handler of
    // the app's, listener or capture callback (which Node calls instead of the listeners: one that
    // exited or threw made it 1 or 7): the signal's exit now, and the exit path sends what is
    // pending. After the exit path's own monitor, which records the error on the active span.
    process.on('uncaughtExceptionMonitor', () => process.exit(exitCode(signal)));
    // The shutdown removed our listeners. A second Ctrl-C (or any of these signals) while it
    // waits on a slow collector means "now", as without us; but not by Node's default, which
    // kills the process before anything can say what was lost.
    for (const other of HANDLED) process.once(other, forced);
  };
  const forced = (signal: ExitSignal) => {
    for (const other of HANDLED) process.off(other, forced);
    opts.onForce?.(signal);
    process.exit(exitCode(signal));
  };
  const listeners = HANDLED.map((signal) => [signal, () => onSignal(signal)] as const);
  const onBeforeExit = () => {
    // The loop is empty. A flush with work to do keeps it alive and beforeExit fires again once
    // the export is done; that second flush finds nothing queued, does no I/O, and Node exits.
    if (flushing) return;
    flushing = true;
    // No line of its own on a timeout: the exit that follows says what was lost and why, once.
    void timeBox(opts.flush(), opts.timeoutMillis, 'flushing spans before exit', false).then((outcome) => {
      flushing = false;
      // Only our stuck export is keeping the process alive: exit as Node was about to. The batch
      // processors give up inside this box and resolve, so one that says it gave up
      // (`flushGaveUp`) timed out too: without exiting, beforeExit fired again at once, another
      // flush waited its bound, and so on until the export's own deadline (the batch export timeout).
      if (outcome === 'timeout' || opts.flushGaveUp?.()) {
        opts.onExitFlushGaveUp?.();
        process.exit(process.exitCode ?? 0);
      }
    });
  };
  // SIGHUP is in HANDLED on Windows neither: it means the console window closed, and Node exits
  // soon regardless.
  for (const [signal, listener] of listeners) process.on(signal, listener);
  process.on('beforeExit', onBeforeExit);
  return {
    dispose() {
      for (const [signal, listener] of listeners) process.off(signal, listener);
      process.off('beforeExit', onBeforeExit);
    },
  };
}

/** What a shell reports for a process its signal's default ended: 128 + the signal's number. */
function exitCode(signal: ExitSignal): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 0);
}
