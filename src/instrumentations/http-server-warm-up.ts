import type { IncomingHttpHeaders } from 'node:http';
import { createContextKey, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { applyIn } from '../context/hot-context.js';
import { lazyRequire } from '../util/index.js';
import { createIncomingHandler, type IncomingConfig } from './http-server-request.js';
import { FINISHED } from './http-server-span.js';

/**
 * Runs `run(tracer)` with a tracer whose spans go nowhere (the caller's: src/sdk/warm-up.ts builds
 * one with our own span processors and a throwaway encoder, and times the run).
 */
export type HttpWarmUp = (run: (tracer: Tracer) => void) => void;

/**
 * Requests the warm-up sends through the path: a root request, one with a sampled `traceparent`
 * (the propagator's parse and the parent-based branch), and a root request again. V8 compiles a
 * function on its first call and gives it type feedback from about its second; a third request
 * costs what later ones do (measured, bench: first request +5–7 ms over untraced cold, third
 * +0.5–0.9 ms).
 */
const HEADERS: readonly (readonly [string, string][])[] = [
  [
    ['host', 'localhost'],
    ['user-agent', '@acme/otel warm-up'],
  ],
  [
    ['host', 'localhost'],
    ['user-agent', '@acme/otel warm-up'],
    ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
  ],
  [
    ['host', 'localhost'],
    ['user-agent', '@acme/otel warm-up'],
  ],
];

// A context of its own: AsyncLocalStorage#run skips restoring the store when the one it is given is
// already current, and the handler's enterWith must not outlive the warm-up.
const WARM_UP = ROOT_CONTEXT.setValue(createContextKey('@acme/otel warm-up'), true);

/**
 * Our incoming-request path (./http-server-request.ts) run for {@link HEADERS}'s requests, on
 * node:http's own request and response classes with a socket never connected, so the first real
 * requests do not pay for compiling it: the first traced request cost 5–7 ms more than an
 * untraced one, in one turn of the event loop (issue #20: no block over 5 ms from tracing).
 * Called at the application's first `listen()`, before the port is bound (../util/first-listen.ts).
 *
 * Nothing of it is seen outside: the spans go to `tracer` (whose provider discards them), the
 * user's hooks (ignore, request, response, custom attributes) are not given these requests, and
 * the context the handler enters ends with the warm-up.
 */
export function warmIncomingHttp(tracer: Tracer, config: IncomingConfig): void {
  const http = lazyRequire('node:http') as typeof import('node:http');
  const net = lazyRequire('node:net') as typeof import('node:net');
  const handler = createIncomingHandler(
    tracer,
    config.redactedQueryParamsServer ? { redactedQueryParamsServer: config.redactedQueryParamsServer } : {},
  );
  const server = new http.Server();
  applyIn(
    WARM_UP,
    () => {
      for (const lines of HEADERS) {
        const socket = new net.Socket();
        try {
          const request = new http.IncomingMessage(socket);
          request.method = 'GET';
          request.url = '/';
          request.httpVersionMajor = 1;
          request.httpVersionMinor = 1;
          request.httpVersion = '1.1';
          // Built as node:http builds it (an empty object, then each lower-cased name in order).
          const headers: IncomingHttpHeaders = {};
          const raw: string[] = [];
          for (const [name, value] of lines) {
            headers[name] = value;
            raw.push(name, value);
          }
          request.headers = headers;
          request.rawHeaders = raw;
          const response = new http.ServerResponse(request);
          const watch = handler.start({ request, response, socket, server });
          watch?.(FINISHED);
        } finally {
          socket.destroy();
        }
      }
    },
    undefined,
    [],
  );
}
