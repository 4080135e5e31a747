import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createNoopMeter, metrics, type TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { hotContextEnabled } from '../context/hot-context.js';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { onFirstListen } from '../util/index.js';
import { takeFirstMessages } from './first-messages.js';
import type { ResponseWatch } from './http-emit-context.js';
import { createIncomingHandler, type IncomingConfig, type ServerMessage } from './http-server-request.js';
import { type HttpWarmUp, warmIncomingHttp } from './http-server-warm-up.js';

const REQUEST_START = 'http.server.request.start';
const RESPONSE_FINISH = 'http.server.response.finish';

/**
 * Whether incoming HTTP requests are ours (node:http's diagnostics channels, below) rather than
 * upstream HttpInstrumentation's: decided once, at start-up, from the http instrumentation's
 * config. Upstream keeps them when the config asks for what we do not build (a start-span hook,
 * header capture, synthetic-source detection, `requireParentforIncomingSpans`), when a
 * MeterProvider is registered (its `http.server.request.duration` histogram), when our context
 * manager is not the registered one (we could not make the request's context current), and with
 * `httpServerFastPath: false` (`ACME_OTEL_HTTP_FAST_PATH=false`).
 */
export function incomingHttpIsOurs(config: Record<string, unknown>, fastPath: boolean): boolean {
  if (!fastPath || !hotContextEnabled()) return false;
  if (config.requireParentforIncomingSpans === true || config.startIncomingSpanHook) return false;
  if (config.enableSyntheticSourceDetection === true) return false;
  const captured = (
    config.headersToSpanAttributes as { server?: { requestHeaders?: unknown[]; responseHeaders?: unknown[] } }
  )?.server;
  if ((captured?.requestHeaders?.length ?? 0) > 0 || (captured?.responseHeaders?.length ?? 0) > 0)
    return false;
  // The API hands out its one no-op meter until a MeterProvider is registered.
  return metrics.getMeterProvider().getMeter('@opentelemetry/instrumentation-http') === createNoopMeter();
}

/**
 * Traces incoming requests from `http.server.request.start` / `http.server.response.finish`
 * (./http-server-request.ts), with the http instrumentation's scope and config; upstream's
 * instance keeps the outgoing side (`disableIncomingRequestInstrumentation`). With `warmUp`, the
 * path is run once through at the application's first `listen()` (./http-server-warm-up.ts).
 * Returns the stop.
 */
export function startHttpServerChannels(
  instrumentation: Instrumentation,
  tracerProvider: TracerProvider,
  warmUp?: HttpWarmUp,
): () => void {
  const tracer = tracerProvider.getTracer(
    instrumentation.instrumentationName,
    instrumentation.instrumentationVersion,
  );
  const config = instrumentation.getConfig() as IncomingConfig;
  const handler = createIncomingHandler(tracer, config);
  const stopWarmUp = warmUp
    ? onFirstListen(() => {
        try {
          warmUp((warm) => warmIncomingHttp(warm, config));
        } catch (error) {
          // Only the first request is slower for it; said for whoever debugs that.
          log.debug(`the incoming-request path could not be warmed up: ${errorMessage(error)}`);
        }
      })
    : undefined;
  // The recorded request whose 'request' listeners run now: a synchronous throw from one of them
  // reaches no code of ours (node:http calls them after the publish), only the process's
  // uncaught-exception path, before anything else runs. Upstream catches it around the listeners
  // and ends the span with the error; so do we, from uncaughtExceptionMonitor, while this is set.
  // Cleared in a microtask: after the parser's callback, before any other callback.
  let dispatching: ResponseWatch | undefined;
  let clearing = false;
  const clear = () => {
    dispatching = undefined;
    clearing = false;
  };
  const onStart = (message: unknown) => {
    const watch = handler.start(message as ServerMessage);
    if (watch === undefined && dispatching === undefined) return;
    dispatching = watch;
    if (!clearing) {
      clearing = true;
      queueMicrotask(clear);
    }
  };
  const onFinish = (message: unknown) => handler.finish(message as ServerMessage);
  const onUncaught = (error: unknown, origin: string) => {
    if (origin === 'uncaughtException') dispatching?.('error', error);
  };
  subscribe(REQUEST_START, onStart);
  subscribe(RESPONSE_FINISH, onFinish);
  // The request whose start message started tracing (a server whose node:http no hook of the
  // register saw load, e.g. imported as an ES module under `--require`: src/sdk/deferred-start.ts).
  const stopTaking = takeFirstMessages(REQUEST_START, onStart);
  // First, so the span has its error and has ended before the exit path's monitor looks at it.
  process.prependListener('uncaughtExceptionMonitor', onUncaught);
  return () => {
    stopWarmUp?.();
    stopTaking();
    unsubscribe(REQUEST_START, onStart);
    unsubscribe(RESPONSE_FINISH, onFinish);
    process.off('uncaughtExceptionMonitor', onUncaught);
  };
}
