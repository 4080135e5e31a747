import moduleApi, { register } from 'node:module';
import { log } from '../diag/log.js';
import { usesBundledInstrumentations } from '../instrumentations/bundled.js';
import { activeEsmModules, isEsmHookedModule, useEsmLoader } from '../instrumentations/esm-state.js';
import { getIitm, requireFromInstrumentation } from '../instrumentations/hooks.js';

// Shared by the ESM and CJS builds: the in-thread hooks are registered once per process.
const IN_THREAD_KEY = Symbol.for('@acme/otel/esm-in-thread-hooks');
const g = globalThis as { [IN_THREAD_KEY]?: boolean };

/**
 * Call before tracing is initialised: makes the lazy loader hook `import` as well as `require`.
 */
export function prepareEsmInstrumentation(): void {
  useEsmLoader();
}

/**
 * Registers the import-in-the-middle loader hook for the modules the enabled instrumentations
 * patch (every other import skips the wrapper): in-thread through `module.registerHooks()` where
 * Node can run it (import-in-the-middle's `supportsSyncHooks()`: 22.22.3+, 24.11.1+, 25.1+), else on
 * Node's loader thread through `module.register()`, with an `include` list that instrumentations
 * loaded later extend through the message channel. Returns whether a hook is registered. Only modules
 * imported AFTER this runs are seen: ESM links the whole static import graph before any of it runs,
 * so this must run in a module preloaded with `node --import` (our register entry, or the app's own
 * tracing file).
 */
export function installEsmLoaderHook(reference: string): boolean {
  const modules = activeEsmModules();
  if (modules.length === 0) return false;
  try {
    if (inThreadHooksSupported()) return installInThread();
    const { registerOptions } = getIitm().createAddHookMessageChannel();
    registerOptions.data.include = modules;
    // import-in-the-middle's hook from the very copy the instrumentations talk to: ours, beside the
    // bundled framework (hooks.ts); else the one @opentelemetry/instrumentation re-exports.
    const hook = usesBundledInstrumentations()
      ? 'import-in-the-middle/hook.mjs'
      : '@opentelemetry/instrumentation/hook.mjs';
    register(hook, reference, registerOptions as never);
    log.debug('ESM imports hooked on the loader thread (module.register)');
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error(`could not install the ESM loader hook: ${reason}; ESM imports are not instrumented`);
    return false;
  }
}

/**
 * import-in-the-middle decides which Nodes can run its loader in-thread (`registerHooks` exists
 * since 22.15 / 24.0, but its load hook needs nodejs/node#59929). Its predicate and its in-thread
 * loader are ES modules, `require()`d: only where Node can (every Node with `registerHooks`, unless
 * started with `--no-experimental-require-module`, which left ESM imports untraced with an error
 * line; the loader thread serves there, as on Node 20).
 */
function inThreadHooksSupported(): boolean {
  if (typeof (moduleApi as { registerHooks?: unknown }).registerHooks !== 'function') return false;
  if ((process.features as { require_module?: boolean }).require_module !== true) return false;
  const { supportsSyncHooks } = requireFromInstrumentation()(
    'import-in-the-middle/supports-sync-hooks.mjs',
  ) as { supportsSyncHooks(): boolean };
  return supportsSyncHooks();
}

/**
 * The same loader through `module.registerHooks()`: no loader thread to start (it was ~100 ms of
 * `--import`'s start-up on Node 22 and 24, bench/README.md) and no message to it per resolved
 * module. The predicate reads the live set of modules the enabled instrumentations patch, so
 * instrumentations enabled later are included without a message channel.
 */
function installInThread(): boolean {
  if (g[IN_THREAD_KEY] !== true) {
    const { register: registerHooks } = requireFromInstrumentation()(
      'import-in-the-middle/register-hooks.mjs',
    ) as { register(options: { shouldInclude(url: string, specifier: string): boolean }): void };
    registerHooks({ shouldInclude: isEsmHookedModule });
    g[IN_THREAD_KEY] = true;
    log.debug('ESM imports hooked in-thread (module.registerHooks)');
  }
  return true;
}
