import { defineConfig } from 'tsup';

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
  // Peer and SDK dependencies stay external so users get one copy of @opentelemetry/api.
  skipNodeModulesBundle: true,
});
