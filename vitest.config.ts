import { defineConfig } from 'vitest/config';

// Two projects, by what a test needs (`npx vitest run` runs both; `--project unit` one):
// - unit: test/unit mirrors src/ and imports it directly; no build, no child process, no socket.
// - integration: child processes against the built dist/ and the real OTLP receiver
//   (test/integration), whole apps and the packed package (test/e2e). Builds dist/ once first;
//   ACME_OTEL_SKIP_BUILD=1 skips that when dist/ is known to be fresh.
// The bench's own tests (bench/test) sit with the bench; the anatomy one runs the built package.
const BENCH_WITH_DIST = 'bench/test/anatomy.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Child-process and receiver tests bind real sockets; keep the default isolation.
    isolate: true,
    // Tests that import src/ write our log lines without the built scrubber entry (src/diag/log.ts).
    setupFiles: ['test/support/log-scrubbers.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'bench/test/**/*.test.ts'],
          exclude: [BENCH_WITH_DIST],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', BENCH_WITH_DIST],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
