// config/: resolveConfig(options, env) and what it is built from; the one place env is read.
export { describeConfig, summaryLine } from './describe.js';
export type { Env } from './env.js';
export { envBoolean } from './env.js';
export { DEFAULT_IGNORE_PATHS, DEFAULT_PROPAGATOR_NAMES, resolveConfig } from './resolve.js';
