import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { follow, thenOf } from './thenable.js';
import { defaultTracer } from './tracer.js';
import { describeForLog, recordFailure, startWithout } from './with-span.js';

/** Options for {@link runDetached}. */
export interface DetachedOptions {
  /**
   * `'child'`: the task's span is a child of the current span (same trace).
   * `'link'`: the task starts a new trace whose root span links to the current span — for work
   * that outlives the request by far (trace backends struggle with hour-long traces).
   * @default 'child'
   */
  mode?: 'child' | 'link';
  /** Attributes set when the task's span starts. */
  attributes?: Attributes;
  /** Called with the error when the task fails (after it is recorded and logged). Guarded. */
  onError?: (error: unknown) => void;
}

/**
 * Start fire-and-forget work that keeps the trace: `fn` runs now, in a span that is a child of
 * (or, with `mode: 'link'`, linked to) the current span, and the caller does not wait for it.
 * A throw or rejection never escapes as an unhandled rejection: it is recorded on the task's span
 * (status ERROR) and logged with the `[@acme/otel]` prefix.
 *
 * Returns a promise that resolves with `fn`'s result, or `undefined` if it failed. It never
 * rejects, so it is safe to ignore — or to await in tests and graceful shutdown.
 *
 * @example
 * import { runDetached, withSpan } from '@acme/otel';
 *
 * const sendEmail = async (to: string) => { throw new Error(`SMTP down, ${to} not notified`); };
 * await withSpan('POST /orders', async () => {
 *   runDetached('email.confirmation', () => sendEmail('a@example.com')); // failure recorded + logged, not thrown
 *   runDetached('search.reindex', async () => 'indexed', { mode: 'link' });
 *   return { status: 201 }; // responds without waiting
 * });
 */
export function runDetached<T>(
  name: string,
  fn: (span: Span) => T | PromiseLike<T>,
  options: DetachedOptions = {},
): Promise<Awaited<T> | undefined> {
  const active = context.active();
  const tracer = defaultTracer();
  // Read once, guarded: options that cannot be read (a Proxy, a throwing getter) threw out of
  // here before the task ran. The span is then started without them (startWithout).
  const mode = readOption(options, 'mode');
  const onError = readOption(options, 'onError');
  let span: Span;
  let parent = active;
  // Hostile attributes (a throwing getter, a Proxy) threw out of startSpan: synchronously, from a
  // helper that promises never to reject, and before fn ran.
  try {
    span = startTaskSpan(name, options, active, tracer);
  } catch (error) {
    span = startWithout('runDetached', name, active, error);
  }
  if (mode === 'link') parent = trace.deleteSpan(active);
  const fail = (error: unknown): undefined => {
    recordFailure(span, error);
    span.end();
    log.error(`detached task "${name}" failed: ${describeForLog(error)}`);
    if (typeof onError === 'function') {
      try {
        onError(error);
      } catch (hookError) {
        log.error(`onError hook of detached task "${name}" threw: ${describeForLog(hookError)}`);
      }
    }
    return undefined;
  };
  const taskContext = trace.setSpan(parent, span);
  let result: T | PromiseLike<T>;
  let then: ReturnType<typeof thenOf>;
  try {
    result = context.with(taskContext, fn, undefined, span);
    then = thenOf(result);
  } catch (error) {
    return Promise.resolve(fail(error));
  }
  if (then === undefined) {
    span.end();
    return Promise.resolve(result as Awaited<T>);
  }
  return follow(result, then, taskContext).then((value) => {
    span.end();
    return value as Awaited<T>;
  }, fail);
}

/** `options[key]`, or undefined when it cannot be read. */
function readOption(options: DetachedOptions, key: keyof DetachedOptions): unknown {
  try {
    return options[key];
  } catch {
    return undefined;
  }
}

/** The task's span: a child of the active span, or with `mode: 'link'` a root linked to it. */
function startTaskSpan(name: string, options: DetachedOptions, active: Context, tracer: Tracer): Span {
  const attributes = options.attributes ? { attributes: options.attributes } : {};
  if (options.mode !== 'link') return tracer.startSpan(name, attributes, active);
  const origin = trace.getSpanContext(active);
  // Keep baggage, drop the span: the task's span becomes the root of a new trace.
  return tracer.startSpan(
    name,
    {
      root: true,
      ...(origin ? { links: [{ context: origin, attributes: { 'acme.link.type': 'detached_from' } }] } : {}),
      ...attributes,
    },
    trace.deleteSpan(active),
  );
}
