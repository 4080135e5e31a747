import type { Context } from '@opentelemetry/api';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { log } from '../diag/index.js';
import { carrierGetter } from './carrier-getter.js';

/** A context as plain strings: survives `postMessage`, `workerData`, JSON and structured clone. */
export interface SerializedContext {
  traceparent?: string;
  tracestate?: string;
  baggage?: string;
}

// Always W3C, whatever the global propagator is: the worker may be configured differently (or
// not yet), and both ends of a thread boundary belong to the same deployment.
let w3c: CompositePropagator | undefined;
function propagator(): CompositePropagator {
  w3c ??= new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
  return w3c;
}

/**
 * Capture a context (the current one by default) as a plain object to send to a worker thread
 * in `workerData` or `postMessage`. Restore it there with {@link runWithSerializedContext}.
 *
 * @example
 * import { Worker } from 'node:worker_threads';
 * import { serializeContext, withSpan } from '@acme/otel';
 *
 * withSpan('report.render', () => {
 *   new Worker(new URL('./render.mjs', import.meta.url), {
 *     workerData: { reportId: 'r-1', otel: serializeContext() }, // { traceparent: '00-…-01' }
 *   });
 * });
 */
export function serializeContext(ctx: Context = context.active()): SerializedContext {
  const carrier: Record<string, string> = {};
  propagator().inject(ctx, carrier, {
    set: (c, key, value) => {
      c[key] = value;
    },
  });
  const out: SerializedContext = {};
  if (carrier.traceparent !== undefined) out.traceparent = carrier.traceparent;
  if (carrier.tracestate !== undefined) out.tracestate = carrier.tracestate;
  if (carrier.baggage !== undefined) out.baggage = carrier.baggage;
  return out;
}

/**
 * Turn a {@link SerializedContext} back into a Context (the empty context if there is nothing),
 * for when {@link runWithSerializedContext}'s callback shape does not fit.
 *
 * @example
 * import { trace } from '@opentelemetry/api';
 * import { deserializeContext, withSpan } from '@acme/otel';
 *
 * const parent = deserializeContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });
 * trace.getSpanContext(parent)?.spanId; // '00f067aa0ba902b7'
 * withSpan('worker.step', () => 'a child of 00f067aa0ba902b7', { parent });
 */
export function deserializeContext(serialized: SerializedContext | null | undefined): Context {
  if (serialized === null || serialized === undefined) return ROOT_CONTEXT;
  if (typeof serialized !== 'object') {
    // `JSON.stringify(serializeContext())` sent as is: the trace was lost without a word.
    log.warnOnce(
      'context/serialized-type',
      `deserializeContext: expected the object serializeContext() returns, got a ${typeof serialized}${typeof serialized === 'string' ? ` (${JSON.stringify(String(serialized).slice(0, 64))})` : ''}; starting a new trace instead. Pass the object itself (JSON.parse it first if you sent it as text).`,
    );
    return ROOT_CONTEXT;
  }
  return propagator().extract(ROOT_CONTEXT, serialized as Record<string, unknown>, carrierGetter());
}

/**
 * In a worker thread, run `fn` inside the context captured by {@link serializeContext} in the
 * parent: spans started in `fn` join the parent's trace, baggage is readable. Initialise tracing
 * in the worker first (`initTracing()`): each thread has its own OpenTelemetry globals.
 *
 * @example
 * // render.mjs (the worker)
 * import { workerData } from 'node:worker_threads';
 * import { initTracing, runWithSerializedContext, withSpan } from '@acme/otel';
 *
 * const tracing = initTracing({ serviceName: 'report-worker' });
 * await runWithSerializedContext(workerData.otel, () =>
 *   withSpan('report.render.worker', async () => `rendered ${workerData.reportId}`),
 * );
 * await tracing.shutdown();
 */
export function runWithSerializedContext<T>(
  serialized: SerializedContext | null | undefined,
  fn: () => T,
): T {
  const ctx = deserializeContext(serialized);
  return context.with(ctx, () => {
    if (ctx !== ROOT_CONTEXT && context.active() !== ctx) {
      log.warnOnce(
        'context/no-context-manager',
        'runWithSerializedContext: no context manager is registered in this thread, so the trace cannot be restored; call initTracing() in the worker first.',
      );
    }
    return fn();
  });
}
