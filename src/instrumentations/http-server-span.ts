import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Attributes, type Context, type Exception, type Span, SpanStatusCode } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { exceptionOf } from '../context/exception.js';
import { applyIn } from '../context/hot-context.js';
import type { ResponseWatch } from './http-emit-context.js';

/** The parts of instrumentation-http's public config the server side honours. */
export interface HttpServerHooks {
  requestHook?: (span: Span, request: IncomingMessage) => void;
  responseHook?: (span: Span, response: ServerResponse) => void;
  applyCustomAttributesOnSpan?: (span: Span, request: IncomingMessage, response: ServerResponse) => void;
}

/** Shown to a watch by the `http.server.response.finish` subscriber (not an event of `res`). */
export const FINISHED = Symbol('acme.otel.http.finished');

/**
 * Upstream's response side (instrumentation-http 0.223 `_onServerResponseFinish` and
 * `_onServerResponseError`): at the end, the status code, `http.route` (set by express through the
 * RPC metadata), the span status, the name with the route, the user's attribute hook (in the
 * request's context, as upstream's), then end; on 'error' the error instead. The end comes from
 * `http.server.response.finish` (FINISHED, a tick later: after the 'finish' listeners, before
 * 'close'), or from 'close' when the response never finished (an aborted request: upstream ends
 * on 'close' in both cases, with the same attributes). Also shown
 * 'error' for a synchronous throw from the 'request' listener. The span ends once either way.
 */
export function watchResponse(
  span: Span,
  rpcMetadata: RPCMetadata,
  request: IncomingMessage,
  response: ServerResponse,
  active: Context,
  hooks: HttpServerHooks,
): ResponseWatch {
  // One flag per request rather than upstream's WeakSet of open spans: a WeakSet entry per
  // request is an ephemeron the GC must process.
  let ended = false;
  return (event, arg) => {
    if (ended) return;
    if (event === 'error') {
      ended = true;
      try {
        setSpanWithError(span, arg);
      } finally {
        span.end();
      }
      return;
    }
    if (event !== FINISHED && event !== 'close') return;
    ended = true;
    const statusCode = response.statusCode;
    const attributes: Attributes = { 'http.response.status_code': statusCode };
    const route = rpcMetadata.route;
    if (route !== undefined) attributes['http.route'] = route;
    span.setAttributes(attributes).setStatus({ code: serverStatus(statusCode) });
    if (route) span.updateName(`${request.method || 'GET'} ${route}`);
    const hook = hooks.applyCustomAttributesOnSpan;
    if (hook) applyIn(active, guarded, undefined, [() => hook(span, request, response)]);
    span.end();
  };
}

/**
 * Upstream's setSpanWithError: `error.type`, ERROR with the message, the exception event. Never
 * throws, whatever was thrown: it runs in our uncaughtExceptionMonitor listener for a throw from a
 * 'request' listener, and `throw null` there (or a revoked Proxy, or an error whose `message`
 * getter throws) threw out of it: Node exited with 7, printing our error instead of the app's.
 */
export function setSpanWithError(span: Span, error: unknown): void {
  const name = readOf(error, 'name');
  const message = readOf(error, 'message');
  if (typeof name === 'string') span.setAttribute('error.type', name);
  span.setStatus(
    typeof message === 'string' ? { code: SpanStatusCode.ERROR, message } : { code: SpanStatusCode.ERROR },
  );
  try {
    span.recordException(
      typeof error === 'object' && error !== null
        ? exceptionOf(error, false, 'an error whose message could not be read')
        : (error as Exception),
    );
  } catch {
    // Runs in our uncaughtExceptionMonitor listener (above): nothing may leave it.
  }
}

/** `value[key]`, or undefined when it cannot be read. */
function readOf(value: unknown, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Upstream's parseResponseStatus for a server: 1xx–4xx unset, anything else ERROR. */
function serverStatus(statusCode: number | undefined): SpanStatusCode {
  return statusCode && statusCode >= 100 && statusCode < 500 ? SpanStatusCode.UNSET : SpanStatusCode.ERROR;
}

/** A user hook: its throw is swallowed, as upstream's safeExecuteInTheMiddle(…, true) does. */
export function guarded(fn: () => void): void {
  try {
    fn();
  } catch {}
}
