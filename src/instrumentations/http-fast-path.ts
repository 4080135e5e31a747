import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Attributes,
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type RPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { activeContext, applyIn } from '../context/hot-context.js';
import { nodeHeadersGetter } from '../propagation/headers.js';
import { samplerReadsAttributes } from '../sampling/index.js';
import { lazyRequire } from '../util/index.js';
import { fastIncomingAttributes, normalizeMethod, plainUrlPath } from './http-server-attributes.js';

type HttpInstrumentationClass = new (config: Record<string, unknown>) => Instrumentation;
type Emit = (this: unknown, event: string, ...args: unknown[]) => boolean;

/** Upstream's own helpers (instrumentation-http 0.223 `build/src/utils` and `internal-types`). */
export interface UpstreamHttpUtils {
  getIncomingRequestAttributes(
    request: IncomingMessage,
    options: {
      component: string;
      hookAttributes?: Attributes;
      enableSyntheticSourceDetection: boolean;
      redactedQueryParams: string[];
    },
    logger: unknown,
  ): Attributes;
  setSpanWithError(span: Span, error: Error): void;
  parseResponseStatus(kind: SpanKind, statusCode?: number): SpanStatusCode;
  DEFAULT_QUERY_STRINGS_TO_REDACT: readonly string[];
}

/** The parts of upstream's HttpInstrumentation (0.223) the subclass relies on. */
interface UpstreamInternals {
  readonly tracer: Tracer;
  readonly _diag: unknown;
  getConfig(): Record<string, unknown>;
  _incomingRequestFunction(component: 'http' | 'https', original: Emit): Emit;
  _callRequestHook(span: Span, request: IncomingMessage): void;
  _callResponseHook(span: Span, response: ServerResponse): void;
  readonly _httpServerDurationHistogram?: object;
}

/**
 * Upstream's HttpInstrumentation with its own, leaner server side for incoming requests.
 *
 * Upstream computes every server-span attribute (a `URL` per request, Host and forwarding headers,
 * user agent...), adds two response listeners that `context.bind` wraps, keeps a WeakSet and times
 * a duration metric for every request, and only then asks the sampler. Here, when nothing needs
 * upstream's path (no MeterProvider, no start-span hook, no header capture, no synthetic-source
 * detection, no `requireParentforIncomingSpans`):
 * - `req` and `res` deliver their events in the request's context through one `emit`
 *   (`runEmitsIn`, below), not upstream's `context.bind`;
 * - the span starts first, so an unsampled request (nine in ten at `sampleRatio: 0.1`) pays only
 *   for what a non-recording span needs: the extracted context, the span and RPC metadata (express
 *   sets `http.route` through it) made active, `req`/`res` events delivered in it so listeners keep
 *   the trace's context (children stay unsampled, outgoing calls propagate `-00`), the user's hooks;
 * - a recorded request gets exactly upstream's attributes, name, status, error events and route
 *   (test/integration/http-server-parity.test.ts compares both on a corpus of requests), computed without a
 *   `URL` for ordinary requests (http-server-attributes.ts; upstream's own function otherwise),
 *   and a watcher in `res`'s `emit` that ends it on 'close' or 'error' (no listeners added,
 *   so recorded and unrecorded requests leave Node's objects in the same shapes).
 * While most recent requests are recorded (AlwaysOn), the attributes are computed before the span
 * starts, so a sampler still sees all of them; otherwise a Sampler object of the user's sees method,
 * scheme and path, and the built-in samplers, which read no attributes, are shown none
 * (../sampling/sampler-hints.ts).
 * Measured side by side (bench, server CPU per request): docs/performance.md.
 * `ACME_OTEL_HTTP_FAST_PATH=false` (`httpServerFastPath: false`) leaves every request to upstream.
 */
export function withSamplerFirstServer(
  Base: HttpInstrumentationClass,
  utils: UpstreamHttpUtils,
): HttpInstrumentationClass {
  class SamplerFirstHttpInstrumentation extends (Base as unknown as new (
    config: Record<string, unknown>,
  ) => UpstreamInternals) {
    /** Recent share of requests that were recorded (exponentially weighted). */
    private _recordedShare = 1;

    override _incomingRequestFunction(component: 'http' | 'https', original: Emit): Emit {
      const upstream = super._incomingRequestFunction(component, original);
      const instrumentation = this;
      return function incomingRequest(this: unknown, event: string, ...args: unknown[]): boolean {
        if (event !== 'request') return original.apply(this, [event, ...args]);
        const config = instrumentation.getConfig();
        if (!leanAllowed(config, instrumentation._httpServerDurationHistogram))
          return upstream.call(this, event, ...args);
        const request = args[0] as IncomingMessage;
        const response = args[1] as ServerResponse;
        // Ignored requests: upstream's own branch (tracing suppressed for the whole request).
        if (ignoredByHook(config, request)) return upstream.call(this, event, ...args);

        const method = request.method || 'GET';
        // The socket caches its peer address on first read (`_peername`, one getpeername() per
        // connection). A recorded request reads it for `network.peer.*`; reading it for every request
        // keeps all sockets one shape, so Node's stream code is not deoptimised by the mix of
        // recorded and unrecorded requests (a gain at low ratios, bench A/B: docs/performance.md).
        touchPeer(request);
        const ctx = propagation.extract(ROOT_CONTEXT, request.headers, nodeHeadersGetter);
        const expectRecorded = instrumentation._recordedShare > 0.5;
        let attributes = expectRecorded
          ? requestAttributes(utils, instrumentation._diag, request, component, config)
          : undefined;
        const span = instrumentation.tracer.startSpan(
          method,
          attributes !== undefined
            ? { kind: SpanKind.SERVER, attributes }
            : samplerReadsAttributes()
              ? { kind: SpanKind.SERVER, attributes: probeAttributes(request, component) }
              : SERVER_KIND,
          ctx,
        );
        const recording = span.isRecording();
        instrumentation._recordedShare += ((recording ? 1 : 0) - instrumentation._recordedShare) / 16;
        if (recording && attributes === undefined) {
          attributes = requestAttributes(utils, instrumentation._diag, request, component, config);
          span.setAttributes(attributes);
        }
        const rpcMetadata: RPCMetadata = { type: RPCType.HTTP, span };
        const active = setRPCMetadata(trace.setSpan(ctx, span), rpcMetadata);
        const watch = recording
          ? watchResponse(utils, span, rpcMetadata, request, response, active, config)
          : undefined;
        return applyIn(
          active,
          () => {
            runEmitsIn(request, active, undefined);
            runEmitsIn(response, active, watch);
            if (config.requestHook) instrumentation._callRequestHook(span, request);
            if (config.responseHook) instrumentation._callResponseHook(span, response);
            if (watch === undefined) return original.apply(this, [event, ...args]);
            try {
              return original.apply(this, [event, ...args]);
            } catch (error) {
              // Upstream's safeExecuteInTheMiddle: a synchronous throw from a 'request' listener.
              watch('error', error);
              throw error;
            }
          },
          undefined,
          [],
        );
      };
    }
  }

  return SamplerFirstHttpInstrumentation as unknown as HttpInstrumentationClass;
}

/** The ignore hook's verdict; a hook that throws ignores nothing. */
function ignoredByHook(config: Record<string, unknown>, request: IncomingMessage): boolean {
  const ignore = config.ignoreIncomingRequestHook as ((r: IncomingMessage) => boolean) | undefined;
  try {
    return ignore?.(request) === true;
  } catch {
    return false;
  }
}

/** A recorded request's attributes: exactly upstream's, without a `URL` for ordinary requests. */
function requestAttributes(
  utils: UpstreamHttpUtils,
  diagLogger: unknown,
  request: IncomingMessage,
  component: string,
  config: Record<string, unknown>,
): Attributes {
  return (
    fastIncomingAttributes(request, component) ??
    utils.getIncomingRequestAttributes(
      request,
      {
        component,
        enableSyntheticSourceDetection: false,
        redactedQueryParams: (config.redactedQueryParamsServer as string[] | undefined) ?? [
          ...utils.DEFAULT_QUERY_STRINGS_TO_REDACT,
        ],
      },
      diagLogger,
    )
  );
}

/**
 * Upstream's response side: on 'close' the status code, `http.route` (set by express through the
 * RPC metadata), the span status, the name with the route, the user's attribute hook, then end;
 * on 'error' the error instead; the attribute hook runs in the request's context as upstream's
 * does. Returns the watcher `res`'s `emit` (runEmitsIn) calls with each event before its
 * listeners run, where upstream adds a 'close' and an errorMonitor listener: a response of a
 * recorded request keeps the shape of any other (its listener table included), which keeps
 * Node's event code optimised for both. Also called with 'error' for a synchronous throw from
 * a 'request' listener. The span ends once either way.
 */
function watchResponse(
  utils: UpstreamHttpUtils,
  span: Span,
  rpcMetadata: RPCMetadata,
  request: IncomingMessage,
  response: ServerResponse,
  active: Context,
  config: Record<string, unknown>,
): ResponseWatch {
  // One flag per request rather than a WeakSet of ended spans: a WeakSet entry per request is
  // an ephemeron the GC must process.
  let ended = false;
  return (event, arg) => {
    if (ended) return;
    if (event === 'error') {
      ended = true;
      try {
        utils.setSpanWithError(span, arg as Error);
      } finally {
        span.end();
      }
      return;
    }
    // After 'error' only 'close' follows, and the span has ended with the error by then.
    if (event !== 'close') return;
    const statusCode = response.statusCode;
    const attributes: Attributes = { 'http.response.status_code': statusCode };
    const route = rpcMetadata.route;
    if (route !== undefined) attributes['http.route'] = route;
    span
      .setAttributes(attributes)
      .setStatus({ code: utils.parseResponseStatus(SpanKind.SERVER, statusCode) });
    if (route) span.updateName(`${request.method || 'GET'} ${route}`);
    const hook = config.applyCustomAttributesOnSpan as
      | ((s: Span, req: IncomingMessage, res: ServerResponse) => void)
      | undefined;
    if (hook) {
      context.with(active, () => {
        try {
          hook(span, request, response);
        } catch {}
      });
    }
    ended = true;
    span.end();
  };
}

/** Per request, so a MeterProvider set after start-up, or a changed config, is honoured. */
function leanAllowed(config: Record<string, unknown>, histogram: object | undefined): boolean {
  if (config.requireParentforIncomingSpans === true || config.startIncomingSpanHook) return false;
  if (config.enableSyntheticSourceDetection === true) return false;
  const captured = (
    config.headersToSpanAttributes as {
      server?: { requestHeaders?: unknown[]; responseHeaders?: unknown[] };
    }
  )?.server;
  if ((captured?.requestHeaders?.length ?? 0) > 0 || (captured?.responseHeaders?.length ?? 0) > 0)
    return false;
  return histogram === undefined || histogram.constructor.name === 'NoopHistogramMetric';
}

/**
 * Every event of `emitter` is delivered in `ctx`: `req`'s 'data'/'end' come from the socket (no
 * trace context), and listeners must see the request's. Upstream does this with
 * `context.bind(ctx, emitter)`, which replaces six listener methods on each `req` and `res` (seven
 * closures, six new own properties, so Node's http internals meet objects of another shape) and
 * wraps every listener added afterwards; on the bench's hello-world server that was a large share
 * of our CPU per request, sampled or not (docs/performance.md). One `emit` that enters `ctx` does
 * the same job: every listener runs in the request's
 * context (upstream binds those added after this point; the ones added before are Node's own, and
 * they already run in it), `removeListener`/`listeners()` see the listeners as added, and an emit
 * already in `ctx` (most of `res`'s) pays one comparison.
 *
 * On Node 24 and later that `emit` lives on the prototypes (IncomingMessage's and ServerResponse's,
 * patched once), and each request only gets two symbol-keyed fields: the context and the response
 * watcher. An own `emit` per `req`/`res` (still the way on Node 20 and 22) made V8 on Node 24 promote nearly
 * every recorded request while its span was open until 'close': long scavenges, frequent
 * mark-compacts and a p99 many times the usual at one connection (`--trace-gc`;
 * docs/performance.md). A pass-through own `emit` capturing nothing did the same; none did not.
 * Instances whose `emit` is not the patched one (a subclass that overrides it, a stand-in) still
 * get an own wrapper.
 */
function runEmitsIn(
  emitter: IncomingMessage | ServerResponse,
  ctx: Context,
  watch: ResponseWatch | undefined,
): void {
  if (PROTOTYPE_EMIT) {
    patchPrototypes();
    if (patchedEmits.has(emitter.emit)) {
      const fields = emitter as unknown as EmitFields;
      fields[kContext] = ctx;
      fields[kWatch] = watch;
      return;
    }
  }
  const emit = emitter.emit;
  emitter.emit = function emitInContext(this: typeof emitter, ...args: Parameters<typeof emit>) {
    return deliver(this, emit as unknown as AnyEmit, ctx, watch, args);
  } as typeof emit;
}

/**
 * Node 24 and later only: on Node 20 the prototype `emit` made unsampled requests dearer (server
 * CPU per request at ratio 0.1, bench/ab.mjs; AlwaysOn equal; docs/performance.md), and Node 20
 * and 22 never had the promotion problem the own `emit` causes on 24.
 */
const PROTOTYPE_EMIT = Number(process.versions.node.split('.')[0]) >= 24;
const kContext = Symbol('acme.otel.http.context');
const kWatch = Symbol('acme.otel.http.watch');
interface EmitFields {
  [kContext]?: Context | undefined;
  [kWatch]?: ResponseWatch | undefined;
}
type AnyEmit = (this: unknown, ...args: unknown[]) => boolean;

/** The two patched `emit`s: an instance whose `emit` is one of them (own class or subclass) takes the fields. */
const patchedEmits = new Set<unknown>();

function patchPrototypes(): void {
  if (patchedEmits.size > 0) return;
  const http = lazyRequire('node:http') as typeof import('node:http');
  for (const proto of [http.IncomingMessage.prototype, http.ServerResponse.prototype]) {
    const emit = proto.emit as AnyEmit;
    const inContext = function emitInContext(this: EmitFields): boolean {
      const ctx = this[kContext];
      // Not a request the fast path started (a client response, an ignored request): as before,
      // and `arguments` straight to apply() (V8 builds no array for that, where a rest parameter
      // would cost every emit of every message in the process one).
      // biome-ignore lint/complexity/noArguments: see above
      if (ctx === undefined) return emit.apply(this, arguments as unknown as unknown[]);
      // biome-ignore lint/complexity/noArguments: see above
      return deliver(this, emit, ctx, this[kWatch], Array.prototype.slice.call(arguments));
    };
    (proto as { emit: unknown }).emit = inContext;
    patchedEmits.add(inContext);
  }
}

/** Shows the watcher the event, then runs the listeners in `ctx`. */
function deliver(
  target: unknown,
  emit: AnyEmit,
  ctx: Context,
  watch: ResponseWatch | undefined,
  args: unknown[],
): boolean {
  if (watch !== undefined) {
    try {
      watch(args[0] as string | symbol, args[1]);
    } catch {
      // Ending the span must never keep the event from the application's listeners.
    }
  }
  if (activeContext() === ctx) return emit.apply(target, args);
  return applyIn(ctx, emit, target, args);
}

/** Sees each event of a recorded request's `res` before its listeners do (see `watchResponse`). */
type ResponseWatch = (event: string | symbol, arg?: unknown) => void;

function touchPeer(request: IncomingMessage): void {
  try {
    void request.socket?.remoteAddress;
  } catch {
    // A socket stand-in without the getter: nothing to keep in shape.
  }
}

/** Span options of a request expected unsampled, for a sampler that reads no attributes. */
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
