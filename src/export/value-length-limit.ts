import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Applies the attribute value length limit to the strings the SDK leaves whole: the status
 * message and the span name. sdk-trace 2.x cuts span, event and link attribute values at
 * `attributeValueLengthLimit` (so `recordException`'s `exception.message` and
 * `exception.stacktrace` too), but `setStatus` and `updateName` copy what they are given, and
 * instrumentations copy an error's message into the status: a 1 MB error message would otherwise
 * reach the scrubber and the exporter whole. Two length checks per span.
 */
export function createValueLengthLimit(limit: number): SpanProcessor {
  return {
    onStart(_span: Span, _context: Context): void {},
    onEnd(readable: ReadableSpan): void {
      const span = readable as Writable<ReadableSpan>;
      const message = span.status.message;
      if (message !== undefined && message.length > limit) {
        span.status = { ...span.status, message: message.slice(0, limit) };
      }
      if (span.name.length > limit) span.name = span.name.slice(0, limit);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
