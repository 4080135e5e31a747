import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
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
/**
 * The unit files that read a clock (`process.hrtime`, `performance.now`): found, not listed, so a
 * new timing test cannot land in the parallel group by being forgotten.
 */
const ROOT = fileURLToPath(new URL('./', import.meta.url));
const TIMED_UNIT_FILES = readdirSync(join(ROOT, 'test/unit'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `test/unit/${file.split(sep).join('/')}`)
  .filter((file) => /process\.hrtime|performance\.now\(/.test(readFileSync(join(ROOT, file), 'utf8')))
  .sort();

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
