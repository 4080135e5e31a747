import { EventEmitter } from 'node:events';
import type { Context } from '@opentelemetry/api';
import { context } from '@opentelemetry/api';
import { log } from '../diag/index.js';

/**
 * Bind a callback to a context (the current one by default), so that whatever calls it later —
 * a pooled client, a timer library, a cache's loader — runs it in the trace it belongs to.
 *
 * Pools hand out resources that were created in some other request's context; callbacks they
 * invoke run in that context, not the caller's (opentelemetry-js #2951, #4001).
 *
 * @example
 * import { bindContext, withSpan } from '@acme/otel';
 *
 * // A queue drained by a timer created at startup runs callbacks in startup's context.
 * const queue: (() => void)[] = [];
 * setInterval(() => queue.shift()?.(), 10).unref();
 * withSpan('request', () => {
 *   queue.push(bindContext(() => withSpan('query', () => 'a child of request')));
 * });
 */
export function bindContext<F extends (...args: never[]) => unknown>(
  fn: F,
  ctx: Context = context.active(),
): F {
  return context.bind(ctx, fn);
}

/**
 * Bind an EventEmitter's listeners to a context, the current one by default: listeners added
 * after this call run in that context whoever emits the event (listeners added before it are
 * left alone, so bind first). Bound again, in another context (a pooled client in the next
 * request), listeners added from then on run in that one. `removeListener`/`off` keep working
 * with the original functions.
 * Returns the same emitter. Needs the AsyncLocalStorage context manager, which `initTracing()`
 * registers (opentelemetry-js #3297).
 *
 * @example
 * import { EventEmitter } from 'node:events';
 * import { bindEmitter, withSpan } from '@acme/otel';
 *
 * const socket = new EventEmitter(); // created at startup, emits in startup's context
 * withSpan('upload', () => {
 *   bindEmitter(socket).on('data', () => withSpan('chunk', () => 'a child of upload'));
 * });
 * setImmediate(() => socket.emit('data', Buffer.from('x')));
 */
export function bindEmitter<E extends EventEmitter>(emitter: E, ctx: Context = context.active()): E {
  if (!(emitter instanceof EventEmitter)) {
    // An EventTarget (AbortSignal, WebSocket) or another library's emitter (eventemitter3) came
    // back unchanged, and its listeners ran in whatever context dispatched: without a word.
    log.warnOnce(
      `context/bind-emitter/${kindOf(emitter)}`,
      `bindEmitter: ${kindOf(emitter)} is not a Node.js EventEmitter, so its listeners are not bound; it is returned unchanged. Bind each listener with bindContext(listener) instead.`,
      'bindEmitter arguments that are not EventEmitters',
    );
  }
  return context.bind(ctx, emitter);
}

function kindOf(value: unknown): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name !== 'string' || name === '') return 'an object';
    return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
  } catch {
    return 'an object';
  }
}
