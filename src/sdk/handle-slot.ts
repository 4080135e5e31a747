import type { TracingHandle } from '../types.js';

// One handle per process, shared by the ESM and CJS builds (and by `--require`/`--import`
// register plus a programmatic initTracing), so two providers never fight over the globals.
const HANDLE_KEY = Symbol.for('@acme/otel/handle');
const slot = globalThis as { [HANDLE_KEY]?: TracingHandle };

/** The handle of the running setup, if any, without starting a deferred one. */
export function currentHandle(): TracingHandle | undefined {
  return slot[HANDLE_KEY];
}

export function setCurrentHandle(handle: TracingHandle): void {
  slot[HANDLE_KEY] = handle;
}

/** Clears the slot if it still holds `handle` (its shutdown), so tracing can start again. */
export function clearCurrentHandle(handle: TracingHandle): void {
  if (slot[HANDLE_KEY] === handle) delete slot[HANDLE_KEY];
}
