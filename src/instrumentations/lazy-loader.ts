import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { isBuiltin } from 'node:module';
import type { TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { lazyRequire } from '../util/index.js';
import { usesBundledInstrumentations } from './bundled.js';
import { CATALOGUE, type CatalogueEntry } from './catalogue.js';
import { createInstrumentation } from './create.js';
import { esmLoaderFlagged, shared } from './esm-state.js';
import { FIRST_IMPORT, takeFirstMessages } from './first-messages.js';
import { guarded } from './guarded.js';
import { getIitm, type IitmRawHook, type OnRequire } from './hooks.js';
import { incomingHttpIsOurs, startHttpServerChannels } from './http-server-channels.js';
import type { HttpWarmUp } from './http-server-warm-up.js';
import { moduleDefinitions } from './module-definitions.js';
import { watchPackages } from './require-filter.js';
import { gateRequire, packageDirOfUrl, packageOf } from './require-gate.js';
import { type InstrumentationContext, instrumentationConfig } from './settings.js';
import { checkVersionLater } from './unsupported-version.js';
import {
  deliverFirstMessage,
  getRequireSingleton,
  importHookOf,
  registeredHooks,
  requireHookOf,
} from './upstream-internals.js';

export interface EnableInstrumentationsOptions {
  /** Short names from {@link resolveInstrumentationNames}. */
  readonly names: readonly string[];
  /** Instrumentation objects the user built; enabled at once. */
  readonly custom: readonly Instrumentation[];
  readonly tracerProvider: TracerProvider;
  readonly ignoreIncomingPaths: readonly (string | RegExp)[];
  readonly httpServerFastPath?: boolean;
  /** Given to our HTTP server side, which runs it at the first `listen()` (http-server-warm-up.ts). */
  readonly httpWarmUp?: HttpWarmUp;
}

// Without a loader the import hook can never fire; skip loading import-in-the-middle then.
// A loader someone registered on the command line is recognised by name.
export function esmLoaderInUse(): boolean {
  return (
    esmLoaderFlagged() ||
    process.execArgv.some((arg) =>
      /import-in-the-middle|instrumentation\/hook\.mjs|@acme\/otel\/register/.test(arg),
    )
  );
}

/** Whether an earlier setup (since shut down) created this instrumentation: enabling it again re-patches what is loaded. */
export function createdBefore(name: string): boolean {
  return shared.instances.has(name);
}

/**
 * Enable auto-instrumentation without paying for it up front (opentelemetry-js #3029, #3527,
 * contrib #1344: requiring every package at start-up costs ~150 ms). One stub per module name is
 * put into the RequireInTheMiddleSingleton all instrumentations share (plus one
 * import-in-the-middle hook for ESM); the first time a module is loaded, its instrumentation
 * package is required and constructed, which registers its own hooks for every later load.
 * Even require-in-the-middle waits behind a cheap gate until the first require that concerns an
 * enabled instrumentation.
 *
 * The load in flight started before those hooks existed, so the stub hands it to them itself,
 * exactly as the hook chain would have. Because everything goes through the same singleton,
 * whose cache remembers the patched exports, no module is ever patched twice.
 *
 * Returns a function that disables everything that was enabled.
 */
export function enableInstrumentations(opts: EnableInstrumentationsOptions): () => void {
  const base: InstrumentationContext = {
    ignoreIncomingPaths: opts.ignoreIncomingPaths,
    ...(opts.httpServerFastPath === false ? { httpServerFastPath: false } : {}),
    ...(opts.httpWarmUp ? { httpWarmUp: opts.httpWarmUp } : {}),
  };
  // Decided once: every http instance of this setup is configured the same way.
  const ctx: InstrumentationContext = {
    ...base,
    httpServerChannels: incomingHttpIsOurs(
      instrumentationConfig('http', base),
      opts.httpServerFastPath !== false,
    ),
  };
  const session = createSession(opts.tracerProvider, ctx);
  const atStart = planInstrumentations(session, opts, ctx);
  if (session.byModule.size > 0) {
    // Custom or start-up instrumentations create the shared require hook anyway: no point in waiting.
    hookModules(session, opts.custom.length > 0 || atStart.length > 0);
  }
  for (const entry of atStart) session.load(entry, 'start-up');
  for (const instrumentation of opts.custom) {
    start(instrumentation, opts.tracerProvider);
    session.instances.push(instrumentation);
  }
  return () => disableSession(session);
}

/** One enableInstrumentations() call: what it enabled, hooked and must undo. */
interface Session {
  active: boolean;
  readonly state: Map<string, 'loading' | 'loaded' | 'failed'>;
  readonly instances: Instrumentation[];
  readonly cleanups: (() => void)[];
  /** Module name → the catalogue entries its first load enables. */
  readonly byModule: Map<string, CatalogueEntry[]>;
  requireHooked: boolean;
  removeGate: (() => void) | undefined;
  readonly load: Load;
  readonly hookRequireOnce: () => void;
}

function createSession(tracerProvider: TracerProvider, ctx: InstrumentationContext): Session {
  const session: Session = {
    active: true,
    state: new Map(),
    instances: [],
    cleanups: [],
    byModule: new Map(),
    requireHooked: false,
    removeGate: undefined,
    load: (entry, cause) => loadEntry(session, tracerProvider, ctx, entry, cause),
    hookRequireOnce: () => hookRequireOnce(session),
  };
  return session;
}

function hookRequireOnce(session: Session): void {
  if (session.requireHooked || !session.active) return;
  session.requireHooked = true;
  session.removeGate?.();
  // Runs inside the application's require() (the gate): a missing @opentelemetry/instrumentation
  // (a bundled service deployed without node_modules) must not fail the application's require.
  try {
    hookRequire(session.byModule, session.load, () => session.active);
  } catch (error) {
    log.warn(
      `auto-instrumentation is off: its require hook could not be installed (${errorMessage(error).split('\n')[0]}); ` +
        'a bundled service must ship @acme/otel and its dependencies in node_modules (README, Bundlers)',
    );
  }
}

/** Requires, constructs and starts one instrumentation, the first time its trigger fires. */
function loadEntry(
  session: Session,
  tracerProvider: TracerProvider,
  ctx: InstrumentationContext,
  entry: CatalogueEntry,
  cause: string,
): Loaded | undefined {
  const { state } = session;
  if (!session.active || state.has(entry.name)) return undefined;
  state.set(entry.name, 'loading');
  // An import or channel can come first; constructing the instrumentation creates the shared
  // require hook, so put our stubs in it now rather than behind the gate.
  if (entry.trigger.kind === 'module') session.hookRequireOnce();
  // Constructing it creates the require hook if nothing did: the build's goes behind its filter.
  else if (usesBundledInstrumentations()) guarded(getRequireSingleton, 'hooking require');
  try {
    const instrumentation = createInstrumentation(entry, ctx);
    watchPackages(moduleNames(instrumentation));
    start(instrumentation, tracerProvider);
    startCompanion(session, entry.name, instrumentation, tracerProvider, ctx);
    session.instances.push(instrumentation);
    shared.instances.set(entry.name, instrumentation);
    state.set(entry.name, 'loaded');
    log.debug(`instrumentation ${entry.name} loaded (first use of ${cause})`);
    return { instrumentation, hooks: registeredHooks(instrumentation) };
  } catch (error) {
    state.set(entry.name, 'failed');
    log.warn(
      `the ${entry.name} instrumentation (${entry.pkg}) could not be loaded: ${errorMessage(error)}; ` +
        `${cause} is not traced`,
    );
    return undefined;
  }
}

/**
 * Sorts the requested names by trigger: re-enables instances an earlier setup created, subscribes
 * channel triggers, files module triggers under `byModule`; returns those that load at start-up.
 */
function planInstrumentations(
  session: Session,
  opts: EnableInstrumentationsOptions,
  ctx: InstrumentationContext,
): CatalogueEntry[] {
  const { state, instances, cleanups, byModule } = session;
  const atStart: CatalogueEntry[] = [];
  for (const name of opts.names) {
    const entry = CATALOGUE.get(name);
    if (entry === undefined) continue;
    const previous = shared.instances.get(name);
    if (previous !== undefined) {
      // Set up before and shut down since: its hooks are still registered and it kept the
      // exports it patched, so enabling it again re-patches modules that are already loaded.
      state.set(name, 'loaded');
      guarded(() => {
        previous.setConfig(instrumentationConfig(name, ctx));
        previous.setTracerProvider(opts.tracerProvider);
        previous.enable();
        instances.push(previous);
        startCompanion(session, name, previous, opts.tracerProvider, ctx);
      }, `re-enabling ${name}`);
      continue;
    }
    const { trigger } = entry;
    if (trigger.kind === 'start') atStart.push(entry);
    else if (trigger.kind === 'channel') cleanups.push(onFirstMessage(trigger.channel, entry, session.load));
    else for (const m of trigger.modules) byModule.set(m, [...(byModule.get(m) ?? []), entry]);
  }
  return atStart;
}

/** Module triggers: the require gate (or the hook at once), the ESM import hook, loaded built-ins. */
function hookModules(session: Session, hookRequireNow: boolean): void {
  const { byModule, cleanups } = session;
  for (const name of byModule.keys()) shared.esmModules.add(name);
  cleanups.push(() => {
    for (const name of byModule.keys()) shared.esmModules.delete(name);
  });
  if (hookRequireNow) session.hookRequireOnce();
  else {
    session.removeGate = gateRequire(new Set(byModule.keys()), session.hookRequireOnce);
    cleanups.push(session.removeGate);
  }
  shareImportHook(session);

  // A built-in the application loaded before tracing started (express requires http as it
  // loads) is patched in place, on the one module object everybody shares, when it is next
  // required; if nothing requires it again, that never happens and its spans silently never
  // come (issue 21). Require it once now, through the hook.
  const loadedBuiltins = [...byModule.keys()].filter(
    (name) => builtinLoaded(name) && shared.firstImport !== `node:${name}`,
  );
  if (loadedBuiltins.length > 0) {
    session.hookRequireOnce();
    for (const name of loadedBuiltins) guarded(() => lazyRequire(name), `patching ${name}`);
  }
}

/** The import hook, added now if a loader is in use, or later by useEsmLoader() (register-esm). */
function shareImportHook(session: Session): void {
  let importHooked = false;
  const hookImportOnce = () => {
    if (importHooked || !session.active) return;
    importHooked = true;
    session.cleanups.push(hookImport(session.byModule, session.load, () => session.active));
  };
  shared.hookImport = hookImportOnce;
  session.cleanups.push(() => {
    if (shared.hookImport === hookImportOnce) shared.hookImport = undefined;
  });
  if (esmLoaderInUse()) guarded(hookImportOnce, 'hooking ESM imports');
}

function disableSession(session: Session): void {
  if (!session.active) return;
  session.active = false;
  for (const cleanup of session.cleanups) guarded(cleanup, 'unhooking');
  for (const instrumentation of session.instances)
    guarded(() => instrumentation.disable(), 'disabling instrumentations');
}

/** Our incoming HTTP side beside upstream's http instrumentation (outgoing), stopped with the session. */
function startCompanion(
  session: Session,
  name: string,
  instrumentation: Instrumentation,
  tracerProvider: TracerProvider,
  ctx: InstrumentationContext,
): void {
  if (name !== 'http' || ctx.httpServerChannels !== true) return;
  session.cleanups.push(startHttpServerChannels(instrumentation, tracerProvider, ctx.httpWarmUp));
}

/** The instrumentation just loaded, and the hooks it registered (upstream-internals.ts). */
interface Loaded {
  readonly instrumentation: Instrumentation;
  readonly hooks: readonly unknown[];
}

type Load = (entry: CatalogueEntry, cause: string) => Loaded | undefined;

/** What registerInstrumentations() does for each instrumentation. */
function start(instrumentation: Instrumentation, tracerProvider: TracerProvider): void {
  instrumentation.setTracerProvider(tracerProvider);
  if (!instrumentation.getConfig().enabled) instrumentation.enable();
}

function hookRequire(byModule: Map<string, CatalogueEntry[]>, load: Load, isActive: () => boolean): void {
  const singleton = getRequireSingleton();
  for (const [moduleName, entries] of byModule) {
    const stub: OnRequire = (exports, name, basedir) => {
      if (!isActive()) return exports;
      let result = exports;
      for (const entry of entries) {
        const loaded = load(entry, name);
        // Every copy: a second one (another major, in a dependency's node_modules) loads nothing new.
        checkVersionOf(entry, name, basedir);
        if (loaded === undefined) continue;
        // The singleton computed its handler list before this stub ran: apply the new ones here.
        for (const registered of loaded.hooks) {
          const hook = requireHookOf(registered);
          if (hook === undefined || !ritmMatches(hook.moduleName, name, basedir)) continue;
          try {
            result = hook.onRequire(result, name, basedir);
          } catch (error) {
            log.warn(`the ${entry.name} instrumentation failed to patch ${name}: ${errorMessage(error)}`);
          }
        }
      }
      return result;
    };
    singleton.register(moduleName, stub);
  }
  watchPackages(byModule.keys());
}

/** The modules (and files inside them) an instrumentation registered hooks for; undefined if it cannot say. */
function moduleNames(instrumentation: Instrumentation): string[] | undefined {
  return moduleDefinitions(instrumentation)?.flatMap((definition) => [
    definition.name,
    ...(definition.files ?? []).map((file) => file.name),
  ]);
}

function hookImport(
  byModule: Map<string, CatalogueEntry[]>,
  load: Load,
  isActive: () => boolean,
): () => void {
  const iitm = getIitm();
  const names = [...byModule.keys()];
  // Announces the names to the loader (register-esm's message channel) so only they are wrapped.
  const announce = new iitm.Hook(names, null, () => undefined);
  const raw: IitmRawHook = (loadUrl, namespace, specifier, format) => {
    if (!isActive()) return;
    const moduleName = loadUrl.startsWith('node:') ? loadUrl.slice(5) : packageOf(loadUrl);
    const entries = moduleName === undefined ? undefined : byModule.get(moduleName);
    if (entries === undefined) return;
    for (const entry of entries) {
      const loaded = load(entry, moduleName as string);
      checkVersionOf(entry, moduleName as string, packageDirOfUrl(loadUrl));
      if (loaded === undefined) continue;
      // IITM snapshots its hook list per module, and replays only modules it finished: forward.
      for (const hook of loaded.hooks) {
        const fn = importHookOf(hook);
        if (fn === undefined) continue;
        try {
          fn(loadUrl, namespace, specifier, format);
        } catch (error) {
          log.warn(`the ${entry.name} instrumentation failed to patch ${moduleName}: ${errorMessage(error)}`);
        }
      }
    }
  };
  iitm.addHook(raw);
  // The import that started a deferred register (src/sdk/deferred-start.ts), which came before this hook.
  const stopTaking = takeFirstMessages(FIRST_IMPORT, (args) => raw(...(args as Parameters<IitmRawHook>)));
  return () => {
    stopTaking();
    iitm.removeHook(raw);
    announce.unhook();
  };
}

/** The version check (unsupported-version.ts) for one copy of a package, once its instrumentation exists. */
function checkVersionOf(entry: CatalogueEntry, name: string, basedir: string | undefined): void {
  const instrumentation = shared.instances.get(entry.name);
  if (instrumentation !== undefined) checkVersionLater(entry, instrumentation, name, basedir);
}

/** Load on the first message, then hand that message to the instrumentation's own handler. */
function onFirstMessage(channel: string, entry: CatalogueEntry, load: Load): () => void {
  let subscribed = true;
  const stop = () => {
    if (subscribed) unsubscribe(channel, onMessage);
    subscribed = false;
    stopTaking();
  };
  function onMessage(message: unknown): void {
    stop();
    const loaded = load(entry, `${channel} (fetch/undici)`);
    if (loaded === undefined) return;
    // The channel snapshotted its subscribers before this one ran: deliver the message ourselves.
    try {
      if (!deliverFirstMessage(loaded.instrumentation, message))
        log.warn(`the ${entry.name} instrumentation missed its first request: no handler to give it to`);
    } catch (error) {
      log.warn(`the ${entry.name} instrumentation failed on its first request: ${errorMessage(error)}`);
    }
  }
  subscribe(channel, onMessage);
  // Also the message that started tracing, if it was this channel's (src/sdk/deferred-start.ts).
  const stopTaking = takeFirstMessages(channel, onMessage);
  return stop;
}

/** Whether the built-in module `name` is loaded already (`process.moduleLoadList`, which Node has long kept). */
function builtinLoaded(name: string): boolean {
  if (!isBuiltin(name)) return false;
  const list = (process as { moduleLoadList?: readonly string[] }).moduleLoadList;
  return list?.includes(`NativeModule ${name}`) ?? false;
}

/** The singleton's trie match: the name itself, or a file inside it (never for core modules). */
function ritmMatches(registered: string, name: string, basedir: string | undefined): boolean {
  const normalized = name.replaceAll('\\', '/');
  return normalized === registered || (basedir !== undefined && normalized.startsWith(`${registered}/`));
}
