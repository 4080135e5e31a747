// Auto-instrumentation: the catalogue, name resolution, and the lazy loader.

export { activeEsmModules, importStartingTracing, isEsmHookedModule, useEsmLoader } from './esm-state.js';
export type { HttpWarmUp } from './http-server-warm-up.js';
export {
  createdBefore,
  type EnableInstrumentationsOptions,
  enableInstrumentations,
  esmLoaderInUse,
} from './lazy-loader.js';
export { KNOWN_INSTRUMENTATIONS, resolveInstrumentationNames } from './names.js';
export { type EarlyLoads, ESM_PRELOAD_FLAG, earlyLoadWarning, findEarlyLoads } from './preloaded.js';
