import path from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

// The bundled @opentelemetry/resources imports `crypto` at module load for one detector we do not
// run by default; point it at src/lazy-crypto.ts, which loads node:crypto on first use.
const lazyCrypto: Plugin = {
  name: 'acme-lazy-crypto',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
      args.importer.includes(`${path.sep}@opentelemetry${path.sep}resources${path.sep}`)
        ? { path: path.resolve('src/lazy-crypto.ts') }
        : undefined,
    );
  },
};

const STARTUP_PACKAGES = [
  /^@opentelemetry\/core$/,
  /^@opentelemetry\/sdk-trace-base$/,
  /^@opentelemetry\/sdk-trace$/,
  /^@opentelemetry\/resources$/,
  /^@opentelemetry\/semantic-conventions$/,
  /^@opentelemetry\/context-async-hooks$/,
  /^@opentelemetry\/resource-detector-container$/,
];

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    // `--require @acme/otel/register` (register.cjs) and `--import @acme/otel/register` (register-esm.js).
    register: 'src/register.ts',
    'register-esm': 'src/register-esm.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // import.meta.url (used by lazyRequire) works in the CommonJS output too.
  shims: true,
  splitting: true,
  treeshake: true,
  // @opentelemetry/api (peer) and everything loaded lazily stay external. The SDK packages on the
  // start-up path are bundled: Node pays per file it loads, and they are ~100 small files.
  external: [/^@opentelemetry\/api$/],
  noExternal: STARTUP_PACKAGES,
  esbuildPlugins: [lazyCrypto],
  // CommonJS output: the bundled @opentelemetry/resources loads its machine-id reader with
  // `import()`, which would start Node's ESM loader (~3 ms) in every `--require` start-up; as
  // `require()` it costs one file.
  esbuildOptions(options, { format }) {
    if (format === 'cjs') options.supported = { ...options.supported, 'dynamic-import': false };
  },
  // The bundled SDK packages are CommonJS and require() their externals (@opentelemetry/api);
  // give the ESM chunks a real `require` for that.
  banner: ({ format }) =>
    format === 'esm'
      ? {
          js: "import { createRequire as __acmeCreateRequire } from 'node:module'; const require = __acmeCreateRequire(import.meta.url);",
        }
      : {},
});
