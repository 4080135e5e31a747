import { defineConfig } from 'vitest/config';

// Projects, by what a test needs (`npx vitest run` runs all; `--project 'unit*'` the unit ones):
// - unit (and unit-timing, below): test/unit mirrors src/ and imports it directly; no build, no
//   child process, no socket.
// - integration: child processes against the built dist/ and the real OTLP receiver
//   (test/integration), whole apps and the packed package (test/e2e). Builds dist/ once first;
//   ACME_OTEL_SKIP_BUILD=1 skips that when dist/ is known to be fresh.
// The bench's own tests (bench/test) sit with the bench; the anatomy one runs the built package.
// Unit files run two at a time (vitest's default on this 2-core machine was one: the whole suite
// took ~13 min a Node version, and .ci/run's four versions came within 4 minutes of its hour). Then,
// one at a time as ever: the unit files that measure time in-process (ratios of a cost at two sizes,
// elapsed waits; a second worker on the other core would share caches and V8's GC helper threads
// with them), then the integration files (their child processes and receivers take the other core,
// and their bounds on exit times were set for one file at a time). `--project 'unit*'` runs both
// unit projects.
const BENCH_WITH_DIST = 'bench/test/anatomy.test.ts';
const TIMED_UNIT_FILES = [
  'test/unit/redaction/linear-time.test.ts',
  'test/unit/redaction/dense-shapes.test.ts',
  'test/unit/redaction/user-patterns.test.ts',
  'test/unit/export/retrying-exporter.test.ts',
  'test/unit/export/span-text-timing.test.ts',
  'test/unit/export/span-value-budget.test.ts',
  'test/unit/export/attribute-value-limit.test.ts',
  'test/unit/instrumentations/http-server-attributes.test.ts',
  'test/unit/instrumentations/query-redaction.test.ts',
  'test/unit/propagation/headers.test.ts',
  'test/unit/propagation/hostile-headers.test.ts',
  'test/unit/context/chain-context.test.ts',
  'test/unit/util/key-cache.test.ts',
  'test/unit/util/printable.test.ts',
];

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
          exclude: [BENCH_WITH_DIST, ...TIMED_UNIT_FILES],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-timing',
          include: TIMED_UNIT_FILES,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', BENCH_WITH_DIST],
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
