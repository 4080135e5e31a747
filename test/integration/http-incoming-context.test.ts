// Our incoming HTTP side enters each request's context with AsyncLocalStorage#enterWith from the
// http.server.request.start subscriber (src/instrumentations/http-server-request.ts). That context
// lasts past the handler (Node 20/22: on the connection's parser resource until its next request;
// Node 24+: until the parser's callback returns), so the next request on a keep-alive connection,
// an ignored one, one that goes to 'checkContinue', and callbacks that have nothing to do with the
// request must not see it. And beyond parity with upstream: at sampleRatio 0.1 an unsampled request
// still propagates its trace (sampled flag off) and its children are unsampled.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

interface Seen {
  what: string;
  traceId: string | null;
  suppressed: boolean;
}
interface Sent {
  server: boolean | null;
  traceId: string | null;
  child: { recording: boolean; traceId: string };
  sent: string;
}
interface Run {
  seen: (Seen | Sent)[];
  spans: { name: string; kind: number; traceId: string; parent: string | null; url: string | null }[];
  error?: string;
}

function run(scenario: 'keep-alive' | 'ratio'): Run {
  const out = execFileSync(process.execPath, ['test/fixtures/http-incoming-context-app.cjs'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, SCENARIO: scenario },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Run;
  expect(result.error).toBeUndefined();
  return result;
}

describe('incoming HTTP: the request context stays with its request', () => {
  it('keep-alive: the next request, ignored and checkContinue requests, unrelated callbacks start clean', () => {
    const { seen, spans } = run('keep-alive');
    const notes = seen as Seen[];
    const of = (what: string) => notes.filter((s) => s.what === what);
    const servers = spans.filter((s) => s.kind === 1 && s.url !== '/echo');
    expect(servers.map((s) => s.url)).toEqual(['/first', '/other', '/last']);
    for (const span of servers) {
      expect(span.parent).toBeNull();
      // The handler, the body's 'end' (from the socket) and a timer it set: the request's trace.
      for (const what of ['handler', 'end', 'timer'])
        expect(of(`${what} ${span.url}`)).toEqual([
          { what: `${what} ${span.url}`, traceId: span.traceId, suppressed: false },
        ]);
    }
    expect(new Set(servers.map((s) => s.traceId)).size).toBe(3);
    // Ignored (ignoreIncomingPaths): suppressed for the whole request, its outgoing call untraced.
    for (const what of ['handler /health', 'end /health', 'timer /health'])
      expect(of(what)).toEqual([{ what, traceId: null, suppressed: true }]);
    expect(spans.filter((s) => s.kind === 2)).toEqual([]);
    // Not a 'request' event, so no span (as upstream), and not the previous request's context.
    expect(of('checkContinue /continue')).toEqual([
      { what: 'checkContinue /continue', traceId: null, suppressed: false },
    ]);
    expect(of('socket data').length).toBeGreaterThanOrEqual(4);
    expect(of('interval').length).toBeGreaterThan(0);
    for (const s of [...of('socket data'), ...of('interval')])
      expect(s).toMatchObject({ traceId: null, suppressed: false });
  });

  it('sampleRatio 0.1: unsampled requests propagate their trace with the sampled flag off, children unsampled', () => {
    const { seen, spans } = run('ratio');
    const requests = seen.filter((s): s is Sent => 'sent' in s);
    expect(requests).toHaveLength(40);
    for (const r of requests) {
      const [version, traceId, , flags] = r.sent.split('-');
      expect(version).toBe('00');
      expect(traceId).toBe(r.traceId);
      expect(Number.parseInt(flags ?? '', 16) & 1).toBe(r.server ? 1 : 0);
      expect(r.child).toEqual({ recording: r.server, traceId: r.traceId });
    }
    const unsampled = requests.filter((r) => r.server === false);
    expect(unsampled.length).toBeGreaterThan(0);
    const recorded = spans.filter((s) => s.kind === 1 && s.url?.startsWith('/r'));
    expect(recorded.map((s) => s.traceId).sort()).toEqual(
      requests
        .filter((r) => r.server)
        .map((r) => r.traceId)
        .sort(),
    );
  });
});
