import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Applies the attribute value length limit to the status message, which the SDK leaves whole
 * (sdk-trace 2.x `Span.setStatus` copies it as given, while `setAttribute`, `addEvent` (and so
 * `recordException`'s `exception.message` / `exception.stacktrace`) and links are cut at
 * `attributeValueLengthLimit`). Instrumentations copy an error's message there, so a 1 MB error
 * message would otherwise reach the scrubber and the exporter whole. Nothing to do for an
 * infinite limit.
 */
export function createStatusMessageLimit(limit: number): SpanProcessor {
  return {
    onStart(_span: Span, _context: Context): void {},
    onEnd(readable: ReadableSpan): void {
      const message = readable.status.message;
      if (message !== undefined && message.length > limit) {
        (readable as { status: ReadableSpan['status'] }).status = {
          ...readable.status,
          message: message.slice(0, limit),
        };
      }
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
