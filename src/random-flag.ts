import { type Context, type SpanContext, trace } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** W3C Trace Context Level 2 "random trace id" flag. */
export const RANDOM_TRACE_ID_FLAG = 0x02;

/**
 * Keeps the W3C Level 2 random-trace-id flag (0x02) on the spans of a trace. The SDK gives every
 * new span only the sampled bit, so without this a trace that arrived as `-03` would leave as
 * `-01` one hop later. Roots we start get the flag too: their ids come from the SDK's random id
 * generator. A trace started by a B3 or Jaeger neighbour keeps it off (nothing says its id is
 * random). Runs in onStart, before the span can be injected anywhere; costs one bit test.
 */
export class RandomTraceIdFlagProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const parent = trace.getSpanContext(parentContext);
    if (parent !== undefined && (parent.traceFlags & RANDOM_TRACE_ID_FLAG) === 0) return;
    if (parent !== undefined && parent.traceId !== span.spanContext().traceId) return;
    // spanContext() returns the span's own object; the SDK never freezes it.
    (span.spanContext() as SpanContext).traceFlags |= RANDOM_TRACE_ID_FLAG;
  }
  onEnd(_span: ReadableSpan): void {}
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
