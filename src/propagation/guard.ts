import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';

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
