// gcTuning (src/sdk/gc-tuning.ts): initTracing turns V8's allocation-site pretenuring off unless the
// command line decides it or the user opts out. Observed in real child processes through V8's own
// account of its pretenuring decisions (--trace-pretenuring-statistics, switched on by the fixture
// after initTracing, while it builds a large array of literals V8 would otherwise pretenure).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

const STARTUP_NOTE = 'V8 allocation-site pretenuring off from the first span (gcTuning)';

/** Runs the fixture; how many pretenuring decisions V8 printed after initTracing, and its stderr. */
function run(
  nodeArgs: string[],
  env: Record<string, string> = {},
): { decisions: number; stderr: string; stdout: string } {
  const result = spawnSync(process.execPath, [...nodeArgs, 'test/fixtures/gc-tuning-app.cjs'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('built 1000000');
  const decisions = result.stdout.split('\n').filter((l) => l.includes('pretenuring: AllocationSite')).length;
  return { decisions, stderr: result.stderr, stdout: result.stdout };
}

describe('gcTuning', () => {
  it('by default V8 makes no pretenuring decision after the first span, and the start-up line says so', () => {
    const { decisions, stderr, stdout } = run([]);
    expect(decisions).toBe(0);
    // Nothing at init: node:v8 pulls in Node's stream stack, a start-up cost for a process without it.
    expect(stdout).toContain('v8 loaded at init: false');
    expect(stderr).toContain(STARTUP_NOTE);
  });

  it('gcTuning false (ACME_OTEL_GC_TUNING=false) leaves V8 pretenuring the same allocations', () => {
    const { decisions, stderr } = run([], { ACME_OTEL_GC_TUNING: 'false' });
    expect(decisions).toBeGreaterThan(0);
    expect(stderr).not.toContain(STARTUP_NOTE);
  });

  it('an explicit --allocation-site-pretenuring on the node command line is respected', () => {
    const { decisions, stderr } = run(['--allocation-site-pretenuring']);
    expect(decisions).toBeGreaterThan(0);
    expect(stderr).not.toContain(STARTUP_NOTE);
  });
});
