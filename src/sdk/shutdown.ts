import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';

type ExitSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGUSR2';
const SIGNAL_NUMBERS: Record<ExitSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGUSR2: 12, SIGTERM: 15 };
const FORCED: readonly ExitSignal[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR2'];

/** Resolve when `promise` settles or after `ms`, whichever is first; never rejects. */
export function timeBox(promise: Promise<unknown>, ms: number, what: string): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
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

export interface ProcessHooks {
  /** Remove every listener this installed. */
  dispose(): void;
}

/**
 * SIGTERM/SIGINT/SIGHUP/SIGUSR2: flush and shut down, then exit with 128 + signal number (143 / 130 /
 * 129 / 140) as Node's default handler would, unless something else listens for that signal (the
 * application; for SIGUSR2 also Node's own `--heapsnapshot-signal` and `--report-on-signal`
 * handlers), in which case that owns the exit and we only flush. SIGUSR2 is how nodemon restarts
 * an application: the spans of the last seconds before each restart were lost. (We exit rather than re-raise the signal:
 * as PID 1 in a container a re-raised SIGTERM with no handler is ignored by the kernel.)
 * `beforeExit`: flush what is pending, time-boxed, so short scripts lose nothing.
 */
export function installProcessHooks(opts: {
  shutdown: () => Promise<void>;
  flush: () => Promise<void>;
  timeoutMillis: number;
  /** A signal arrived: `appOwnsExit` false when this process is about to exit because of it. */
  onSignal?: (signal: ExitSignal, appOwnsExit: boolean) => void;
  /** Another signal came while the first one's shutdown ran: the process exits now, not waiting. */
  onForce?: (signal: ExitSignal) => void;
}): ProcessHooks {
  const onSignal = (signal: ExitSignal) => {
    const appOwnsExit = process.listenerCount(signal) > 1;
    opts.onSignal?.(signal, appOwnsExit);
    log.debug(
      `${signal} received; flushing spans${appOwnsExit ? ' (the application handles the exit)' : ''}`,
    );
    if (appOwnsExit) {
      // Only a flush: whoever listens may keep the process running (a config reload on SIGHUP,
      // Node's diagnostic report on SIGUSR2), and tracing must go on. If it exits, the exit path
      // sends the rest.
      void timeBox(opts.flush(), opts.timeoutMillis, `flushing spans on ${signal}`);
      return;
    }
    void opts.shutdown().finally(() => process.exit(128 + SIGNAL_NUMBERS[signal]));
    // The shutdown removed our listeners. A second Ctrl-C (or any of these signals) while it
    // waits on a slow collector means "now", as without us; but not by Node's default, which
    // kills the process before anything can say what was lost.
    for (const other of FORCED)
      if (process.platform !== 'win32' || other === 'SIGINT' || other === 'SIGTERM')
        process.once(other, forced);
  };
  const forced = (signal: ExitSignal) => {
    for (const other of FORCED) process.off(other, forced);
    opts.onForce?.(signal);
    process.exit(128 + SIGNAL_NUMBERS[signal]);
  };
  const onTerm = () => onSignal('SIGTERM');
  const onInt = () => onSignal('SIGINT');
  const onHup = () => onSignal('SIGHUP');
  const onUsr2 = () => onSignal('SIGUSR2');
  let flushing = false;
  const onBeforeExit = () => {
    // The loop is empty. A flush with work to do keeps it alive and beforeExit fires again once
    // the export is done; that second flush finds nothing queued, does no I/O, and Node exits.
    if (flushing) return;
    flushing = true;
    void timeBox(opts.flush(), opts.timeoutMillis, 'flushing spans before exit').then((outcome) => {
      flushing = false;
      // Only our stuck export is keeping the process alive: exit as Node was about to.
      if (outcome === 'timeout') process.exit(process.exitCode ?? 0);
    });
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  // Not on Windows, where SIGHUP means the console window closed and Node exits soon regardless.
  if (process.platform !== 'win32') {
    process.on('SIGHUP', onHup);
    process.on('SIGUSR2', onUsr2);
  }
  process.on('beforeExit', onBeforeExit);
  return {
    dispose() {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('SIGHUP', onHup);
      process.off('SIGUSR2', onUsr2);
      process.off('beforeExit', onBeforeExit);
    },
  };
}
