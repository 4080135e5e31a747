import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { cut } from '../util/quote.js';

/**
 * Run one propagation step; never let it throw into the host. Carriers and getters come from
 * application code and other libraries, so anything can happen inside them.
 */
export function guard<T>(what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    logSkipped(what, error);
    return fallback;
  }
}

/** What `guard` logs for a step that threw (for loops that catch inline, without a closure). */
export function logSkipped(what: string, error: unknown): void {
  log.debug(`${what} failed and was skipped: ${errorMessage(error)}`);
}

/**
 * A step of a propagator given in code that threw: a warning, once per step, then debug lines.
 * Only at debug, a propagator of the app's that threw on every request left every trace it
 * should carry broken without a word. (Ours throw only when the carrier does: debug.)
 */
export function logGivenSkipped(what: string, error: unknown): void {
  logSkipped(what, error);
  log.warnOnce(
    `propagation/${what}`,
    `the propagator given in code, ${what}, threw (${cut(errorMessage(error))}): skipped, the other propagators still ran (this message once per step; every one at OTEL_LOG_LEVEL=debug)`,
    'propagators that threw',
  );
}

/** A propagator's name for those lines: its class's, else its kind. */
export function propagatorName(propagator: object): string {
  try {
    const name = (propagator as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? name.slice(0, 64) : 'a propagator';
  } catch {
    return 'a propagator';
  }
}
