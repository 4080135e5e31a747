import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Child-process and receiver tests bind real sockets; keep the default isolation.
    isolate: true,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
