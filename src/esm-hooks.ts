import { register } from 'node:module';
import { log } from './diag.js';
import { getIitm } from './instrumentations/hooks.js';
import { activeEsmModules, useEsmLoader } from './instrumentations/index.js';

/**
 * Call before tracing is initialised: makes the lazy loader hook `import` as well as `require`.
 */
export function prepareEsmInstrumentation(): void {
  useEsmLoader();
}

/**
 * Registers the import-in-the-middle loader hook for the modules the enabled instrumentations
 * patch (the loader's `include` list, so every other import skips the wrapper). Instrumentations
 * loaded later add their modules through the message channel. Only modules imported AFTER this
 * runs are seen: ESM links the whole static import graph before any of it runs, so this must run
 * in a module preloaded with `node --import` (our register entry, or the app's own tracing file).
 */
export function installEsmLoaderHook(reference: string): boolean {
  const modules = activeEsmModules();
  if (modules.length === 0) return false;
  try {
    const { registerOptions } = getIitm().createAddHookMessageChannel();
    registerOptions.data.include = modules;
    // @opentelemetry/instrumentation re-exports import-in-the-middle's hook from the very copy
    // its instrumentations talk to.
    register('@opentelemetry/instrumentation/hook.mjs', reference, registerOptions as never);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error(`could not install the ESM loader hook: ${reason}; ESM imports are not instrumented`);
    return false;
  }
}
