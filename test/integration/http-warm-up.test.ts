// The incoming-request path is run once through at the application's first listen(), so the first
// real request does not compile it (src/instrumentations/http-server-warm-up.ts; issue #20: the
// first traced request cost 3–4 ms more than an untraced one, in one turn). What it costs the first
// request is asserted in test/integration/export/loop-work.test.ts; here, that nobody can see it.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

interface Run {
  work: string[];
  activeAfterListen: boolean;
  keptInWith: boolean;
  beforeRequest: {
    samplerCalls: number;
    processorStarts: number;
    processorEnds: number;
    spans: number;
    stats: Record<string, number>;
  };
  after: { samplerCalls: number; processorStarts: number; processorEnds: number; serverSpans: string[] };
}

function run(env: Record<string, string> = {}): Run {
  const out = execFileSync(process.execPath, ['test/fixtures/http-warm-up-app.cjs'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Run;
}

describe('the warm-up of the incoming-request path at the first listen()', () => {
  for (const [label, env] of [
    ['the default sampler', {}],
    ["a Sampler object of the user's", { USER_SAMPLER: '1' }],
  ] as const) {
    it(`runs once and leaves no span, call or context behind (${label})`, () => {
      const r = run(env);
      // Once, for two servers.
      expect(r.work).toEqual(['preload: warm the request path']);
      // listen() returns in the caller's context, at the top level and inside context.with().
      expect(r.activeAfterListen).toBe(true);
      expect(r.keptInWith).toBe(true);
      // Nothing reached the user's processors, the exporter or the user's sampler.
      expect(r.beforeRequest).toEqual({
        samplerCalls: 0,
        processorStarts: 0,
        processorEnds: 0,
        spans: 0,
        stats: { exported: 0, dropped: 0, failed: 0, rejected: 0, retries: 0, truncated: 0 },
      });
      // The real request is traced as ever: one server span (and the client span of the call).
      expect(r.after.serverSpans).toEqual(['/real']);
      expect(r.after.processorStarts).toBe(2);
      expect(r.after.processorEnds).toBe(2);
      expect(r.after.samplerCalls).toBe(label === 'the default sampler' ? 0 : 2);
    });
  }

  it('does not run with httpServerFastPath off (upstream traces incoming requests then)', () => {
    const r = run({ ACME_OTEL_HTTP_FAST_PATH: 'false' });
    expect(r.work).toEqual([]);
    expect(r.beforeRequest.processorStarts).toBe(0);
    expect(r.after.serverSpans).toEqual(['/real']);
  });
});
