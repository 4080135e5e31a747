import type { Env } from '../config/env.js';
import { resolveConfig } from '../config/resolve.js';
import { log } from '../diag/log.js';
import { CATALOGUE } from '../instrumentations/catalogue.js';
import type { ResolvedConfig } from '../types.js';
import { lazyRequire } from '../util/lazy-require.js';
import { deferStart, startIsPending, type Triggers } from './deferred-start.js';
import { currentHandle } from './handle-slot.js';
import { useLogSettings } from './log-settings.js';
import { inWorkerThread } from './worker-thread.js';

/** What dist/register-start.{cjs,js} exports (src/register-start.ts). */
export interface StartEntry {
  startFromEnv(flag: '--require' | '--import', env?: Env): boolean;
  startDeferred(config: ResolvedConfig): (channel: string, message: unknown) => void;
}

/** node:http's request start, for a server the application imported as an ES module. */
const HTTP_REQUEST_START = 'http.server.request.start';

/**
 * `--require @acme/otel/register`: reads and checks the configuration now (its warnings appear at
 * start-up, as ever), and starts tracing when the application first needs it
 * (./deferred-start.ts). Until then the process has loaded this file, the config code and a
 * require hook: ~3 ms, not the ~45 ms of the API, the SDK and our pipeline. Starts at once where
 * nothing could trigger a deferred start: instrumentations that load at start-up
 * (`aws-lambda`, `runtime-node`, `host-metrics`), the ESM loader option, a worker thread, a
 * process where tracing already runs or `OTEL_SDK_DISABLED`. Never throws.
 */
export function registerFromEnv(env: Env = process.env): boolean {
  try {
    if (inWorkerThread() || currentHandle() !== undefined || startIsPending())
      return loadStart().startFromEnv('--require', env);
    const config = resolveConfig(undefined, env);
    useLogSettings(config);
    const triggers = deferrable(config) ? triggersOf(config) : undefined;
    if (triggers === undefined) {
      loadStart().startDeferred(config);
      return true;
    }
    deferStart(() => loadStart().startDeferred(config), triggers);
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log.error(
      `--require @acme/otel/register could not start tracing: ${reason}; the application runs untraced`,
    );
    return false;
  }
}

function deferrable(config: ResolvedConfig): boolean {
  if (config.disabled || config.esm || config.instrumentations.custom.length > 0) return false;
  return config.instrumentations.names.every((name) => CATALOGUE.get(name)?.trigger.kind !== 'start');
}

/** The modules and channels of the enabled instrumentations, worker threads (their spans come to us), node:http's request start. */
export function triggersOf(config: ResolvedConfig): Triggers {
  const modules = new Set<string>(['worker_threads']);
  const channels = [HTTP_REQUEST_START];
  for (const name of config.instrumentations.names) {
    const trigger = CATALOGUE.get(name)?.trigger;
    if (trigger?.kind === 'module') for (const m of trigger.modules) modules.add(m);
    else if (trigger?.kind === 'channel' && !channels.includes(trigger.channel))
      channels.push(trigger.channel);
  }
  return { modules, channels };
}

/** The rest of the library, loaded once tracing starts. */
function loadStart(): StartEntry {
  const here = import.meta.url ?? '';
  return lazyRequire(here.endsWith('.js') ? './register-start.js' : './register-start.cjs') as StartEntry;
}
