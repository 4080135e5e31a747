import type { Attributes, Context, Link, Span, SpanKind, Tracer } from '@opentelemetry/api';
import { context, INVALID_SPAN_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api';
import { log } from '../diag/index.js';
import { errorMessage } from '../errors.js';
import { notAttributes } from '../util/attributes-shape.js';
import { quoted } from '../util/quote.js';
import { textOf } from '../util/value-text.js';
import { exceptionOf } from './exception.js';
import { parentContext } from './parent.js';
import { follow, thenOf } from './thenable.js';
import { defaultTracer } from './tracer.js';

/** Options for {@link withSpan} and {@link traced}. */
export interface WithSpanOptions {
  /** Attributes set when the span starts (visible to samplers). */
  attributes?: Attributes;
  /** Span kind. @default SpanKind.INTERNAL */
  kind?: SpanKind;
  /** Links to other spans (batch consumers, fan-in, detached work). */
  links?: Link[];
  /** Parent context. @default context.active() */
  parent?: Context;
  /** Tracer to start the span with. @default trace.getTracer('@acme/otel') */
  tracer?: Tracer;
  /** Start a new trace, ignoring any parent span (baggage is kept). @default false */
  root?: boolean;
}

/**
 * Run `fn` inside a new active span. The span ends exactly once, when `fn` returns or, for a
 * promise, when it settles. A throw or rejection is recorded on the span (exception event and
 * status ERROR with the message) and rethrown unchanged. Returns what `fn` returns.
 *
 * @example
 * import { withSpan } from '@acme/otel';
 *
 * const order = await withSpan('order.load', async (span) => {
 *   span.setAttribute('order.id', 'o-1');
 *   return { id: 'o-1', total: 1299 }; // e.g. await db.orders.find('o-1')
 * }, { attributes: { 'app.tenant': 'acme' } });
 * const total = withSpan('order.total', () => order.total * 2); // sync works too
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options?: WithSpanOptions): T {
  if (typeof fn !== 'function') throw notAFunction('withSpan', name, fn);
  return inSpan(name, options, fn, undefined, undefined);
}

/**
 * A helper given something else than a function to run: a programmer's error, thrown at the call
 * site as Node's own APIs do, before any span starts (else a span named for the work would end
 * in ERROR with `Function.prototype.apply was called on 42`).
 */
function notAFunction(helper: string, name: unknown, fn: unknown): TypeError {
  const kind =
    fn === null || fn === undefined
      ? String(fn)
      : Array.isArray(fn)
        ? 'an array'
        : typeof fn === 'object'
          ? 'an object'
          : `a ${typeof fn}`;
  const label = typeof name === 'string' ? JSON.stringify(name.slice(0, 100)) : typeof name;
  return new TypeError(
    `[@acme/otel] ${helper}(${label}, …): the second argument must be a function, got ${kind}`,
  );
}

/**
 * `fn` run in a new active span, called with `thisArg` and `args`, or with the span when `args` is
 * undefined. Hot path: no closure and no options object is allocated for a synchronous `fn`. The
 * options object is handed to `startSpan` as is; its extra fields (`parent`, `tracer`) are ignored
 * there.
 */
function inSpan<T>(
  name: string,
  options: WithSpanOptions | undefined,
  fn: ((span: Span) => T) | ((...a: unknown[]) => T),
  thisArg: unknown,
  args: unknown[] | undefined,
): T {
  let parent: Context;
  let span: Span;
  try {
    parent = options?.parent == null ? context.active() : parentContext(options.parent);
    checkAttributes(options?.attributes);
    span = (options?.tracer ?? defaultTracer()).startSpan(name, options, parent);
  } catch (error) {
    parent = context.active();
    span = startWithout('withSpan', name, parent, error);
  }
  const active = trace.setSpan(parent, span);
  let result: T;
  let then: ReturnType<typeof thenOf>;
  try {
    result =
      args === undefined
        ? context.with(active, fn as (span: Span) => T, undefined, span)
        : context.with(active, fn as (...a: unknown[]) => T, thisArg, ...args);
    then = thenOf(result);
  } catch (error) {
    recordFailure(span, error);
    span.end();
    throw error;
  }
  if (then === undefined) {
    span.end();
    return result;
  }
  return settle(span, follow(result, then, active)) as T;
}

/**
 * Attributes that are no plain object are refused before the SDK reads them (see
 * {@link notAttributes}: `attributes: body` with a 10 MB body held the event loop ~10 s).
 */
function checkAttributes(attributes: unknown): void {
  const problem = notAttributes(attributes);
  if (problem !== undefined) throw new TypeError(`attributes must be an object, got ${problem}`);
}

/**
 * The span of `name` when its options made starting it throw: attributes behind a throwing getter
 * or a Proxy, a `null` link, a `tracer` that is none. It threw out of withSpan before `fn` ran, so
 * the app's own work never happened; now `fn` runs in a span started without them (or, should that
 * throw too, a non-recording one), and one line says so.
 */
export function startWithout(helper: string, name: string, parent: Context, error: unknown): Span {
  log.warnOnce(
    `${helper}.options`,
    `${helper}(${quoted(typeof name === 'string' ? name : errorMessage(name))}): its span could not be started with the options given ` +
      `(${errorMessage(error)}), so it was started without them. This message once per process.`,
  );
  try {
    return defaultTracer().startSpan(name, undefined, parent);
  } catch {
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  }
}

function settle(span: Span, promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      recordFailure(span, error, true);
      span.end();
      throw error;
    },
  );
}

/**
 * Exception event + status ERROR with the message. Never throws, whatever was thrown: a value
 * whose getters throw (or a revoked proxy) still gets the status and an event, with a message
 * saying it could not be read, and the user's error is what propagates. `rejected`: a promise's
 * rejection, whose stack is read without formatting it (unread-stack.ts).
 */
export function recordFailure(span: Span, error: unknown, rejected = false): void {
  let isError = false;
  let message = UNREADABLE;
  try {
    isError = error instanceof Error;
    message = isError ? textOf((error as Error).message, UNREADABLE) : describeThrown(error);
  } catch {}
  try {
    // A rejection's stack is not formatted here: Node prints where it was thrown from it (unread-stack.ts).
    span.recordException(isError ? exceptionOf(error as Error, rejected, UNREADABLE) : message);
  } catch {
    try {
      span.recordException(message);
    } catch {}
  }
  try {
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  } catch {}
}

const UNREADABLE = 'a thrown value whose message could not be read';

/** A thrown value for a log line: its stack, else its message or text. Never throws. */
export function describeForLog(error: unknown): string {
  try {
    return textOf(error instanceof Error ? (error.stack ?? error.message) : error, UNREADABLE);
  } catch {
    return UNREADABLE;
  }
}

/** A thrown value's message, else its text. Never throws. */
export function describeThrown(value: unknown): string {
  try {
    if (typeof value === 'string') return value;
    if (
      value !== null &&
      typeof value === 'object' &&
      typeof (value as { message?: unknown }).message === 'string'
    ) {
      return (value as { message: string }).message;
    }
    return textOf(value, UNREADABLE);
  } catch {
    return UNREADABLE;
  }
}

/**
 * Wrap a function so that every call runs inside a span (see {@link withSpan}). `this` and the
 * arguments are passed through; the wrapper keeps the function's name and arity.
 *
 * @example
 * import { SpanKind } from '@opentelemetry/api';
 * import { traced } from '@acme/otel';
 *
 * const chargeCard = traced('payment.charge', async (orderId: string, cents: number) => {
 *   return { orderId, cents, status: 'captured' }; // e.g. await gateway.charge(orderId, cents)
 * }, { kind: SpanKind.CLIENT });
 * await chargeCard('o-1', 1299);
 */
export function traced<A extends unknown[], R, This = unknown>(
  name: string,
  fn: (this: This, ...args: A) => R,
  options?: WithSpanOptions,
): (this: This, ...args: A) => R {
  if (typeof fn !== 'function') throw notAFunction('traced', name, fn);
  const wrapper = function (this: This, ...args: A): R {
    return inSpan(name, options, fn as (...a: unknown[]) => R, this, args);
  };
  Object.defineProperty(wrapper, 'name', { value: fn.name || name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true });
  return wrapper;
}
