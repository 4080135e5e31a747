import { createRequire } from 'node:module';

// Bundled by an application into a CommonJS file (esbuild's default for platform node), this
// module's `import.meta` is empty: resolve from the main script (the bundle) then. Not
// `__filename`: naming it pulls tsup's ESM shim in, which throws there (fileURLToPath(undefined)).
const here: string | undefined = import.meta.url;

/**
 * `require` for modules loaded on first use (exporters, cloud detectors, instrumentations), so
 * start-up pays only for what a service uses. Works in both builds: tsup shims
 * `import.meta.url` in the CommonJS output.
 */
export const lazyRequire: NodeJS.Require = createRequire(here ?? process.argv[1] ?? `${process.cwd()}/`);
