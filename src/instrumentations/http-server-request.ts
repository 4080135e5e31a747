import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Attributes, propagation, ROOT_CONTEXT, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { type RPCMetadata, RPCType, setRPCMetadata, suppressTracing } from '@opentelemetry/core';
import { ChainContext } from '../context/chain-context.js';
import { enterContext } from '../context/hot-context.js';
import { nodeHeadersGetter } from '../propagation/headers.js';
import { startAttributesAreRead } from '../sampling/index.js';
import { type ResponseWatch, runEmitsIn } from './http-emit-context.js';
import {
  DEFAULT_REDACTED_QUERY_PARAMS,
  incomingRequestAttributes,
  normalizeMethod,
  plainUrlPath,
} from './http-server-attributes.js';
import { FINISHED, guarded, type HttpServerHooks, watchResponse } from './http-server-span.js';

/** What node:http publishes on `http.server.request.start` (and `http.server.response.finish`). */
export interface ServerMessage {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly socket: Socket;
  readonly server: Server;
}

/** The instrumentation-http config the server side reads (resolved once). */
export interface IncomingConfig extends HttpServerHooks {
  ignoreIncomingRequestHook?: (request: IncomingMessage) => boolean;
  redactedQueryParamsServer?: string[];
}

export interface IncomingHandler {
  /** At `http.server.request.start`: the watch of a recorded request's response, if any. */
  start(message: ServerMessage): ResponseWatch | undefined;
  /** At `http.server.response.finish`. */
  finish(message: ServerMessage): void;
}

const kEnd = Symbol('acme.otel.http.end');
interface EndField {
  [kEnd]?: ResponseWatch | undefined;
}

/**
 * A server span per request, as upstream's HttpInstrumentation starts it, from node:http's
 * diagnostics channels. The span starts first, so an unsampled request (nine in ten at
 * `sampleRatio: 0.1`) pays only for what a non-recording span needs: the extracted context, the
 * span and RPC metadata (express sets `http.route` through it) made active, `req`/`res` events
 * delivered in it (./http-emit-context.ts) so listeners keep the trace's context (children stay
 * unsampled, outgoing calls propagate `-00`), the user's hooks. A recorded request gets exactly
 * upstream's attributes, name, status, error events and route (./http-server-attributes.ts,
 * ./http-server-span.ts). While most recent requests are recorded (AlwaysOn), the attributes are
 * computed before the span starts, so a Sampler object and a span processor's `onStart` see all of
 * them (when nothing reads them, the tracer sets them right after the start:
 * ../sampling/start-attributes.ts); while most are not, these see method, scheme and path, and the
 * built-in samplers, which read no attributes, are shown none.
 *
 * The request's context becomes current with AsyncLocalStorage#enterWith (the publish runs
 * synchronously just before `server.emit('request')`), which lasts past the handler: on Node 20
 * and 22 it stays on the connection's parser resource until the next request on it, on Node 24
 * and later (AsyncContextFrame) until the parser's callback returns. So every request the
 * channel reports enters a context, the ROOT context for one not traced, and the next request on a
 * keep-alive connection never starts in the previous one's (test/integration/http-incoming-context.test.ts).
 */
export function createIncomingHandler(tracer: Tracer, config: IncomingConfig): IncomingHandler {
  const redacted = config.redactedQueryParamsServer ?? DEFAULT_REDACTED_QUERY_PARAMS;
  /** Recent share of requests that were recorded (exponentially weighted). */
  let recordedShare = 1;
  return {
    start({ request, response, socket, server }) {
      const endField = response as unknown as EndField;
      endField[kEnd] = undefined;
      // A request that goes to 'checkContinue'/'checkExpectation' upstream never sees.
      if (!dispatchedAsRequest(request, server)) {
        enterContext(ROOT_CONTEXT);
        return undefined;
      }
      // Upstream's ignored branch suppresses tracing for the whole request.
      if (ignoredByHook(config, request)) {
        enterContext(SUPPRESSED);
        runEmitsIn(request, SUPPRESSED, undefined);
        runEmitsIn(response, SUPPRESSED, undefined);
        return undefined;
      }
      // `encrypted`: a TLS socket, i.e. an https.Server, which upstream patches as 'https'.
      const component = (socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
      // The socket caches its peer address on first read (one getpeername() per connection). A
      // recorded request reads it for `network.peer.*`; reading it for every request keeps all
      // sockets one shape, so Node's stream code is not deoptimised by the mix of recorded and
      // unrecorded requests (a gain at low ratios, bench A/B: docs/performance.md).
      touchPeer(socket);
      const ctx = propagation.extract(ROOT_CONTEXT, request.headers, nodeHeadersGetter);
      let attributes =
        recordedShare > 0.5 ? incomingRequestAttributes(request, component, redacted) : undefined;
      const span = tracer.startSpan(
        request.method || 'GET',
        attributes !== undefined
          ? { kind: SpanKind.SERVER, attributes }
          : startAttributesAreRead()
            ? { kind: SpanKind.SERVER, attributes: probeAttributes(request, component) }
            : SERVER_KIND,
        ctx,
      );
      const recording = span.isRecording();
      recordedShare += ((recording ? 1 : 0) - recordedShare) / 16;
      if (recording && attributes === undefined) {
        attributes = incomingRequestAttributes(request, component, redacted);
        span.setAttributes(attributes);
      }
      const rpcMetadata: RPCMetadata = { type: RPCType.HTTP, span };
      // As nodes (../context/chain-context.ts): this and every context derived from it inside the
      // request (child spans made active, express layers, outgoing calls) cost no Map copy.
      const active = setRPCMetadata(trace.setSpan(ChainContext.on(ctx), span), rpcMetadata);
      const watch = recording
        ? watchResponse(span, rpcMetadata, request, response, active, config)
        : undefined;
      runEmitsIn(request, active, undefined);
      runEmitsIn(response, active, watch);
      endField[kEnd] = watch;
      enterContext(active);
      const { requestHook, responseHook } = config;
      if (requestHook) guarded(() => requestHook(span, request));
      if (responseHook) guarded(() => responseHook(span, response));
      return watch;
    },
    finish({ response }) {
      // After the application's own 'finish' listeners (node:http publishes from its listener,
      // added before any of theirs): attributes they set are kept, as with upstream, which ends
      // on 'close', queued by node:http just after this.
      const end = (response as unknown as EndField)[kEnd];
      if (end !== undefined) process.nextTick(end, FINISHED);
    },
  };
}

const SUPPRESSED = suppressTracing(ROOT_CONTEXT);

// Node's own test (lib/_http_server.js); linear.
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/**
 * Whether node:http hands the request to 'request' listeners, the only event upstream traces: an
 * HTTP/1.1 request with `Expect` goes to 'checkContinue' or 'checkExpectation' when the server
 * listens for it, and an unknown expectation nobody handles is answered 417.
 */
function dispatchedAsRequest(request: IncomingMessage, server: Server): boolean {
  const expect = request.headers.expect;
  if (expect === undefined || request.httpVersionMajor !== 1 || request.httpVersionMinor !== 1) return true;
  return CONTINUE.test(expect) && server.listenerCount('checkContinue') === 0;
}

/** The ignore hook's verdict; a hook that throws ignores nothing. */
function ignoredByHook(config: IncomingConfig, request: IncomingMessage): boolean {
  try {
    return config.ignoreIncomingRequestHook?.(request) === true;
  } catch {
    return false;
  }
}

function touchPeer(socket: Socket): void {
  try {
    void socket?.remoteAddress;
  } catch {
    // A socket stand-in without the getter: nothing to keep in shape.
  }
}

/** Span options of a request expected unsampled, when nothing reads start attributes. */
const SERVER_KIND = Object.freeze({ kind: SpanKind.SERVER });

/**
 * What a sampler sees when the span starts before the full attributes (mostly unsampled traffic):
 * only values the full attributes are certain to repeat, so a recorded span ends up with exactly
 * upstream's set.
 */
function probeAttributes(request: IncomingMessage, component: string): Attributes {
  const attributes: Attributes = {
    'http.request.method': normalizeMethod(request.method),
    'url.scheme': component,
  };
  const path = plainUrlPath(request);
  if (path !== undefined) attributes['url.path'] = path;
  return attributes;
}
