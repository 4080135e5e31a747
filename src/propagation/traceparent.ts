import { isStrictSpanId, isStrictTraceId } from './ids.js';

export interface Traceparent {
  readonly version: number;
  readonly traceId: string;
  readonly spanId: string;
  /** The whole trace-flags byte as received (sampled 0x01, random 0x02, reserved bits). */
  readonly traceFlags: number;
}

// version "-" trace-id "-" parent-id "-" trace-flags, then (future versions only) "-" anything.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})([\s\S]*)$/;

/** Flags defined by Trace Context Level 2: sampled (0x01) and random trace id (0x02). */
export const KNOWN_TRACE_FLAGS = 0x03;

/**
 * Parse a `traceparent` value strictly (W3C Trace Context Level 2, §3.2 and §4.3 "Versioning").
 * Version 00 must be exactly 55 characters. A higher version is parsed by its first four fields,
 * which must be followed by the end of the value or a `-`. Version ff, uppercase hex and
 * all-zero ids are invalid.
 */
export function parseTraceparent(value: string): Traceparent | undefined {
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, versionHex, traceId, spanId, flagsHex, rest] = match;
  if (versionHex === undefined || traceId === undefined || spanId === undefined || flagsHex === undefined) {
    return undefined;
  }
  if (versionHex === 'ff') return undefined;
  if (versionHex === '00' && rest !== '') return undefined;
  if (rest !== undefined && rest !== '' && !rest.startsWith('-')) return undefined;
  if (!isStrictTraceId(traceId) || !isStrictSpanId(spanId)) return undefined;
  return {
    version: Number.parseInt(versionHex, 16),
    traceId,
    spanId,
    traceFlags: Number.parseInt(flagsHex, 16),
  };
}

/**
 * Version 00 `traceparent`. Reserved flag bits are cleared: the spec says vendors MUST set them
 * to zero; sampled and random are written as we got them.
 */
export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  const flags = (traceFlags & KNOWN_TRACE_FLAGS).toString(16).padStart(2, '0');
  return `00-${traceId}-${spanId}-${flags}`;
}
