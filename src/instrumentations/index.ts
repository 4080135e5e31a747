// Auto-instrumentation: the catalogue, name resolution, and the lazy loader.
export {
  activeEsmModules,
  type EnableInstrumentationsOptions,
  enableInstrumentations,
  isEsmHookedModule,
  useEsmLoader,
} from './lazy-loader.js';
export { KNOWN_INSTRUMENTATIONS, resolveInstrumentationNames } from './names.js';
