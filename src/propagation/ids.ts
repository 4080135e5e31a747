import type { SpanContext } from '@opentelemetry/api';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** Lowercase, 32 hex digits, not all zero. Stricter than the API's check, which ignores case. */
export function isStrictTraceId(id: string): boolean {
  return TRACE_ID.test(id) && id !== ZERO_TRACE_ID;
}

/** Lowercase, 16 hex digits, not all zero. */
export function isStrictSpanId(id: string): boolean {
  return SPAN_ID.test(id) && id !== ZERO_SPAN_ID;
}

export function isStrictSpanContext(sc: SpanContext | undefined): sc is SpanContext {
  return sc !== undefined && isStrictTraceId(sc.traceId) && isStrictSpanId(sc.spanId);
}

/**
 * The ids to write for a span context, lowercased (hex is case-insensitive, so this is the same id),
 * or undefined when they are not valid ids at all. What we inject is always lowercase.
 */
export function idsForInject(sc: SpanContext | undefined): { traceId: string; spanId: string } | undefined {
  if (!sc || typeof sc.traceId !== 'string' || typeof sc.spanId !== 'string') return undefined;
  const traceId = sc.traceId.toLowerCase();
  const spanId = sc.spanId.toLowerCase();
  return isStrictTraceId(traceId) && isStrictSpanId(spanId) ? { traceId, spanId } : undefined;
}

/** Trace flags as a byte; anything that is not an integer counts as 0. */
export function flagsByte(sc: SpanContext): number {
  const flags = sc.traceFlags;
  return Number.isInteger(flags) ? flags & 0xff : 0;
}
