import type { Context, Span } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
import { log } from '../diag/index.js';

/**
 * `options.parent` as the Context it must be. A Span passed instead (`{ parent: span }`, an easy
 * slip without TypeScript) threw `getValue is not a function` out of `withSpan` before `fn` ran;
 * it is now the parent it was meant to be, with a one-time warning. Anything else is ignored for
 * the active context, with a warning too.
 */
export function parentContext(parent: unknown): Context {
  if (parent !== null && typeof parent === 'object' && typeof (parent as Context).getValue === 'function')
    return parent as Context;
  if (parent !== null && typeof parent === 'object' && typeof (parent as Span).spanContext === 'function') {
    log.warnOnce(
      'context/parent-span',
      'withSpan: options.parent is a Span, not a Context; used trace.setSpan(context.active(), span) as the parent. Pass that Context to silence this.',
    );
    return trace.setSpan(context.active(), parent as Span);
  }
  log.warnOnce(
    'context/parent-type',
    `withSpan: options.parent is a ${typeof parent}, not a Context; the active context was used.`,
  );
  return context.active();
}
