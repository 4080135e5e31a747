import { log } from '../diag/log.js';
import { errorMessage } from '../errors.js';

/**
 * Runs one step of setting up instrumentation; a throw is logged at debug level with `what`, never
 * passed to the application. Imports nothing that loads the API, so the register's start-up path
 * may use it (./esm-state.ts).
 */
export function guarded(fn: () => void, what: string): void {
  try {
    fn();
  } catch (error) {
    log.debug(`${what}: ${errorMessage(error)}`);
  }
}
