// Our lean server side for incoming HTTP (src/instrumentations/http-fast-path.ts and
// http-server-attributes.ts) must export exactly the server spans upstream's http instrumentation
// exports: name (with the express route), parent, status, every attribute, error events. The same
// corpus of ordinary and odd requests (dot segments, escapes, forwarding headers, IPv6 and invalid
// hosts, absolute-form and `*` targets, queries with redacted parameters, 4xx/5xx, an aborted
// request, a listener that throws) runs once with `httpServerFastPath: false` (upstream's code for
// every request) and once with it on, each in a child process.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

interface Run {
  count: number;
  spans: { name: string; attributes: Record<string, unknown>; status: { code: number } }[];
  error?: string;
}

function run(fast: boolean, mode: 'always' | 'probe'): Run {
  const out = execFileSync(process.execPath, ['test/fixtures/http-server-parity-app.cjs'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, FAST: String(fast), MODE: mode },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Run;
  expect(result.error).toBeUndefined();
  return result;
}

describe('incoming HTTP server spans: lean path = upstream', () => {
  for (const mode of ['always', 'probe'] as const) {
    it(`${mode === 'always' ? 'AlwaysOn (attributes before the span starts)' : 'mostly unsampled traffic (span first, attributes once recorded)'}: the same spans, request by request`, () => {
      const upstream = run(false, mode);
      const ours = run(true, mode);
      expect(upstream.spans).toHaveLength(upstream.count);
      expect(ours.spans).toHaveLength(ours.count);
      for (let i = 0; i < ours.spans.length; i++) expect(ours.spans[i]).toEqual(upstream.spans[i]);
      // The corpus reaches what it is meant to: a route, a redacted query, the 5xx error status,
      // a thrown error's event, and an invalid Host for which upstream reports no url.path.
      const names = ours.spans.map((s) => s.name);
      expect(names).toContain('GET /users/:id');
      expect(ours.spans.some((s) => s.attributes['url.query'] === 'q=1&sig=REDACTED&x=a+b')).toBe(true);
      expect(ours.spans.find((s) => s.name === 'GET /boom')?.status.code).toBe(2);
      expect(ours.spans.some((s) => s.attributes['error.type'] === 'Error')).toBe(true);
      expect(
        ours.spans.some(
          (s) => s.attributes['server.address'] === '999.1.1.1' && !('url.path' in s.attributes),
        ),
      ).toBe(true);
    });
  }
});
