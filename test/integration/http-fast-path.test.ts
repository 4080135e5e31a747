// The sampler-first path for incoming HTTP requests (src/instrumentations/http-server-request.ts).
// Unsampled requests skip upstream's attribute work, so what matters is that they still carry the
// trace: listeners on `req` run in its context, children stay unsampled under the same trace id,
// outgoing calls propagate `-02` (random, not sampled), and RPC metadata is there for express.
// Sampled requests must keep every semantic-convention attribute upstream sets, and express's
// http.route.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

interface Run {
  response: {
    echo: { traceparent: string };
    child: { traceId: string; recording: boolean };
    rpcMetadataType: string | null;
    listenersAsAdded: boolean;
    onceTraceId: string | null;
    responseListeners: Record<string, unknown>;
    ownEmit: boolean;
  };
  spans: {
    name: string;
    kind: number;
    scope: string;
    traceId: string;
    parentSpanId?: string;
    attributes: Record<string, unknown>;
  }[];
}

/** Runs a fixture app in a child process; its last stdout line is JSON. */
function runFixture<T>(fixture: string, env: Record<string, string> = {}): T {
  const out = execFileSync(process.execPath, [`test/fixtures/${fixture}`], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as T;
}

function run(ratio: number, traceparent = ''): Run {
  return runFixture<Run>('http-fast-path-app.cjs', { RATIO: String(ratio), TRACEPARENT: traceparent });
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';

describe('incoming HTTP, sampler first', () => {
  it('an unsampled request records nothing but keeps its trace in req listeners and outgoing calls', () => {
    const { response, spans } = run(0);
    expect(spans).toEqual([]);
    const [, traceId, , flags] = response.echo.traceparent.split('-');
    // Unsampled, but the root's trace id is random: W3C Level 2 random flag (src/sampling/random-flag.ts).
    expect(flags).toBe('02');
    expect(response.child).toEqual({ traceId, recording: false });
    expect(response.rpcMetadataType).toBe('http');
    expect(response.listenersAsAdded).toBe(true);
    expect(response.onceTraceId).toBe(traceId);
  });

  it('a recorded request adds no listener to res: it has the shape of an unrecorded one', () => {
    // With upstream's 'close' and errorMonitor listeners, a mix of recorded and unrecorded
    // requests deoptimised Node's event code for every request (README, Performance).
    const recorded = run(1);
    const unrecorded = run(0);
    expect(recorded.spans.some((s) => s.kind === 1 && s.scope.includes('http'))).toBe(true);
    expect(unrecorded.spans).toEqual([]);
    expect(recorded.response.responseListeners).toEqual(unrecorded.response.responseListeners);
    expect(recorded.response.responseListeners.errorMonitor).toBe(0);
  });

  it('on Node 24 req and res get no own emit; their events still reach the listeners in context', () => {
    // An own `emit` per req/res (even one that only passed events through) made V8 on Node 24
    // promote nearly every recorded request: 20–43 ms scavenges, p99 33 ms (README, Performance).
    // On Node 20 and 22 the own emit stays: it is cheaper there for unsampled requests.
    const prototypeEmit = Number(process.versions.node.split('.')[0]) >= 24;
    for (const ratio of [1, 0]) {
      const { response } = run(ratio);
      expect(response.ownEmit).toBe(!prototypeEmit);
      // The body's 'end' listener runs from the socket, yet in the request's trace.
      const [, traceId] = response.echo.traceparent.split('-');
      expect(response.child.traceId).toBe(traceId);
      expect(response.onceTraceId).toBe(traceId);
    }
  });

  it('a server built with its own IncomingMessage/ServerResponse subclasses keeps the trace in both', () => {
    // createServer({ IncomingMessage, ServerResponse }): the request class inherits `emit` (on
    // Node 24 it takes the two fields, like a plain request), the response class overrides it (it
    // gets an own wrapper around the override, which still runs for every event).
    const prototypeEmit = Number(process.versions.node.split('.')[0]) >= 24;
    for (const ratio of [1, 0]) {
      const { answers, overriddenEmits, spans } = runFixture<{
        answers: {
          classes: boolean;
          ownEmit: { req: boolean; res: boolean };
          requestTraceId: string | null;
          childTraceId: string;
          finishTraceId: string | null;
        }[];
        overriddenEmits: number;
        spans: { name: string; traceId: string; status: number; ended: boolean }[];
      }>('http-custom-classes-app.cjs', { RATIO: String(ratio) });
      expect(answers).toHaveLength(3);
      expect(overriddenEmits).toBe(3);
      for (const answer of answers) {
        expect(answer.classes).toBe(true);
        expect(answer.ownEmit).toEqual({ req: !prototypeEmit, res: true });
        expect(answer.requestTraceId).toMatch(/^[0-9a-f]{32}$/);
        // 'end' comes from the socket and 'finish' from the overridden emit: both in the request's trace.
        expect(answer.childTraceId).toBe(answer.requestTraceId);
        expect(answer.finishTraceId).toBe(answer.requestTraceId);
      }
      if (ratio === 0) {
        expect(spans).toEqual([]);
      } else {
        expect(spans.map((s) => s.traceId).sort()).toEqual(answers.map((a) => a.requestTraceId).sort());
        expect(spans.every((s) => s.status === 200 && s.ended && s.name === 'POST')).toBe(true);
      }
    }
  });

  it("a response 'error' without an Error still reaches the app's listener and ends the span", () => {
    const { seen, spans } = runFixture<{
      seen: unknown;
      spans: { status: { code: number; message?: string }; events: string[] }[];
    }>('http-response-error-app.cjs');
    expect(seen).toBe('listener got undefined');
    expect(spans).toHaveLength(1);
  });

  it('a Sampler object is still shown the request attributes once traffic is mostly unsampled', () => {
    // Built-in samplers read no attributes, so for them the fast path builds none before sampling;
    // a user's sampler gets every attribute while most requests are recorded, then method, scheme
    // and path (test/fixtures/http-sampler-attributes-app.cjs: 40 dropped requests).
    const { first, last, answers } = runFixture<{
      first: Record<string, unknown>;
      last: Record<string, unknown>;
      answers: string[];
    }>('http-sampler-attributes-app.cjs');
    expect(first).toMatchObject({
      'http.request.method': 'GET',
      'url.scheme': 'http',
      'url.path': '/items/0',
      'url.query': 'q=1',
      'server.address': '127.0.0.1',
    });
    expect(last).toEqual({ 'http.request.method': 'GET', 'url.scheme': 'http', 'url.path': '/items/39' });
    expect(answers).toEqual(['true']);
  });

  it("a span processor of the user's sees every request attribute in onStart", () => {
    // With a built-in sampler and no processor of the user's, our tracers set start attributes
    // right after the span starts (src/sampling/start-attributes.ts); a processor's onStart runs
    // inside startSpan, so with one registered they are given at start, as upstream does.
    const { first, last, lastEnded } = runFixture<{
      first: Record<string, unknown>;
      last: Record<string, unknown>;
      lastEnded: Record<string, unknown>;
    }>('http-sampler-attributes-app.cjs', { WATCH: 'processor' });
    expect(first).toMatchObject({
      'url.path': '/items/0',
      'url.query': 'q=1',
      'server.address': '127.0.0.1',
    });
    // Every attribute a request has at start (all but the response's) was there in onStart.
    const atStart = Object.keys(lastEnded).filter(
      (k) => !k.startsWith('http.response.') && k !== 'http.route',
    );
    expect(atStart.length).toBeGreaterThan(8);
    expect(Object.keys(last)).toEqual(atStart);
    for (const key of atStart) expect(last[key], key).toEqual(lastEnded[key]);
  });

  it('an incoming unsampled parent stays unsampled even at ratio 1', () => {
    const { response, spans } = run(1, `00-${TRACE}-b7ad6b7169203331-00`);
    expect(spans).toEqual([]);
    expect(response.echo.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
    expect(response.child).toEqual({ traceId: TRACE, recording: false });
  });

  it('a sampled request gets upstream semantic-convention attributes and the express route', () => {
    const { response, spans } = run(0, `00-${TRACE}-b7ad6b7169203331-01`);
    const server = spans.find((s) => s.kind === 1 && s.attributes['url.path'] === '/users/42');
    expect(server).toMatchObject({
      name: 'POST /users/:id',
      scope: '@opentelemetry/instrumentation-http',
      traceId: TRACE,
      parentSpanId: 'b7ad6b7169203331',
      attributes: {
        'http.request.method': 'POST',
        'url.scheme': 'http',
        'url.path': '/users/42',
        'url.query': 'q=1',
        'server.address': '127.0.0.1',
        'http.response.status_code': 200,
        'http.route': '/users/:id',
        'user_agent.original': 'fast-path-test',
        'network.protocol.version': '1.1',
        'client.address': '127.0.0.1',
      },
    });
    expect(server?.attributes).toHaveProperty('server.port');
    expect(server?.attributes).toHaveProperty('network.peer.address');
    expect(response.child).toEqual({ traceId: TRACE, recording: true });
    expect(response.echo.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    expect(spans.some((s) => s.name === 'in-end-listener' && s.traceId === TRACE)).toBe(true);
    for (const name of ['in-req-close-listener', 'in-res-close-listener']) {
      expect(spans.find((s) => s.name === name)?.traceId).toBe(TRACE);
    }
    expect(response.listenersAsAdded).toBe(true);
    expect(response.onceTraceId).toBe(TRACE);
  });
});
