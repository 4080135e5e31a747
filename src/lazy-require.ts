import { createRequire } from 'node:module';

/**
 * `require` for modules loaded on first use (exporters, cloud detectors, instrumentations), so
 * start-up pays only for what a service uses. Works in both builds: tsup shims
 * `import.meta.url` in the CommonJS output.
 */
export const lazyRequire: NodeJS.Require = createRequire(import.meta.url);
