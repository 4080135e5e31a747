import type { Env } from '../config/env.js';
import { resolveConfig } from '../config/resolve.js';
import { wrapCaptureSetter } from '../exit/capture-callback.js';
import { CATALOGUE } from '../instrumentations/catalogue.js';
import { shared, useEsmLoader } from '../instrumentations/esm-state.js';
import { FIRST_IMPORT } from '../instrumentations/first-messages.js';
import { getIitm, type Iitm, type IitmRawHook } from '../instrumentations/hooks.js';
import type { ResolvedConfig } from '../types.js';
import { requireEntry } from '../util/internal-entry.js';
import { inWorkerThread } from '../util/worker-thread.js';
import { deferStart, type Fire, startIsPending, type Triggers } from './deferred-start.js';
import { installEsmLoaderHook } from './esm-hooks.js';
import { currentHandle } from './handle-slot.js';
import { useLogSettings } from './log-settings.js';
import { reportStartFailure } from './start-failure.js';

/** What dist/register-start.{cjs,js} exports (src/register-start.ts). */
export interface StartEntry {
  startFromEnv(flag: Flag, env?: Env): boolean;
  startDeferred(config: ResolvedConfig): (channel: string, message: unknown) => void;
}

type Flag = '--require' | '--import';

/** node:http's request start, for a server the application imported as an ES module. */
const HTTP_REQUEST_START = 'http.server.request.start';

/**
 * The register entries: `--require` (`reference` undefined) and `--import` (`reference`: its
 * `import.meta.url`, which the ESM loader hook is registered from). Reads and checks the
 * configuration now (its warnings appear at start-up, as ever), and starts tracing when the
 * application first needs it (./deferred-start.ts). Until then the process has loaded this file,
 * the config code and a require hook (with `--import`, the ESM loader hook too), not the API, the
 * SDK or our pipeline. Starts at once where nothing could trigger a deferred start:
 * instrumentations that load at start-up (`aws-lambda`, `runtime-node`, `host-metrics`), the ESM
 * loader option, a worker thread, a process where tracing already runs or `OTEL_SDK_DISABLED`.
 * Never throws.
 */
export function registerFromEnv(flag: Flag, reference?: string, env: Env = process.env): boolean {
  const esm = flag === '--import';
  // With `--import`: its ESM loader hook, once the modules to hook are known.
  const hookEsm = (): boolean => esm && installEsmLoaderHook(reference as string);
  try {
    // Before anything starts, so that enabling instrumentations also hooks ESM imports (or, when
    // --require already started, so the import hook is added to that setup now).
    if (esm) useEsmLoader();
    if (inWorkerThread() || currentHandle() !== undefined || startIsPending()) {
      const started = loadStart().startFromEnv(flag, env);
      // After the start, when the enabled instrumentations (and so the modules to hook) are known.
      hookEsm();
      return started;
    }
    const config = resolveConfig(undefined, env);
    useLogSettings(config);
    // Now, not when tracing starts: the app's first line may set a capture callback, which could
    // not be wrapped then (src/exit/capture-callback.ts).
    if (!config.disabled) wrapCaptureSetter();
    const triggers = deferrable(config) ? triggersOf(config) : undefined;
    if (triggers === undefined) {
      loadStart().startDeferred(config);
      hookEsm();
      return true;
    }
    if (esm) {
      // The loader wraps what the enabled instrumentations patch from the first import on; the
      // first such import starts tracing.
      for (const name of triggers.modules) if (name !== 'worker_threads') shared.esmModules.add(name);
      // (Loading import-in-the-middle requires worker_threads, a trigger: before the gate is armed.)
      if (hookEsm()) triggers.arms.push(onFirstImport(getIitm()));
    }
    deferStart(() => loadStart().startDeferred(config), triggers);
    return true;
  } catch (error) {
    return reportStartFailure(flag, error);
  }
}

/**
 * An import-in-the-middle hook: the first ES module import of a module an enabled instrumentation
 * patches starts tracing, and is handed to the lazy loader's import hook, which the start added
 * after the loader had chosen whom to call for this import.
 */
function onFirstImport(iitm: Iitm): (fire: Fire) => () => void {
  return (fire) => {
    let armed = true;
    const hook: IitmRawHook = (...args) => {
      if (!armed) return;
      shared.firstImport = args[0];
      try {
        fire(`import of ${args[2]}`)?.(FIRST_IMPORT, args);
      } finally {
        shared.firstImport = undefined;
      }
    };
    iitm.addHook(hook);
    return () => {
      armed = false;
      // Not now: import-in-the-middle may be calling its hooks in order, and removing one of them
      // from that list would skip the next.
      setImmediate(() => iitm.removeHook(hook)).unref();
    };
  };
}

function deferrable(config: ResolvedConfig): boolean {
  if (config.disabled || config.esm || config.instrumentations.custom.length > 0) return false;
  return config.instrumentations.names.every((name) => CATALOGUE.get(name)?.trigger.kind !== 'start');
}

/** The modules and channels of the enabled instrumentations, worker threads (their spans come to us), node:http's request start. */
export function triggersOf(config: ResolvedConfig): Triggers & { arms: ((fire: Fire) => () => void)[] } {
  const modules = new Set<string>(['worker_threads']);
  const channels = [HTTP_REQUEST_START];
  for (const name of config.instrumentations.names) {
    const trigger = CATALOGUE.get(name)?.trigger;
    if (trigger?.kind === 'module') for (const m of trigger.modules) modules.add(m);
    else if (trigger?.kind === 'channel' && !channels.includes(trigger.channel))
      channels.push(trigger.channel);
  }
  return { modules, channels, arms: [] };
}

/** The rest of the library, loaded once tracing starts (src/register-start.ts). */
function loadStart(): StartEntry {
  return requireEntry('register-start') as StartEntry;
}
