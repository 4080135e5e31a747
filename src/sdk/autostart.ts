import { type Env, envBoolean } from '../config/index.js';
import { log } from '../diag/index.js';
import { inWorkerThread } from '../util/worker-thread.js';
import { getTracingHandle, initTracing } from './init.js';
import { reportStartFailure } from './start-failure.js';

/**
 * Initialise from the environment for the register entries. Never throws: a failure is logged
 * with its reason and the application runs untraced. Returns whether tracing is set up.
 */
export function startFromEnv(flag: '--require' | '--import', env: Env = process.env): boolean {
  try {
    if (inWorkerThread() && !envBoolean(env, 'ACME_OTEL_WORKER_THREADS', false)) {
      log.debug(
        `${flag} @acme/otel/register: skipping this worker thread (ACME_OTEL_WORKER_THREADS=true traces it)`,
      );
      return false;
    }
    if (getTracingHandle() !== undefined) {
      // --require and --import both given: the first one set everything up.
      log.debug(`${flag} @acme/otel/register: tracing is already initialised in this process`);
      return true;
    }
    initTracing(undefined, env);
    return true;
  } catch (error) {
    return reportStartFailure(flag, error);
  }
}
