import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Builds dist/ once (child-process tests run the built package); ACME_OTEL_SKIP_BUILD=1 skips it.
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Child-process and receiver tests bind real sockets; keep the default isolation.
    isolate: true,
  },
});
