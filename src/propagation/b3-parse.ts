import { type HeaderReader, INVALID, trimOws } from './headers.js';
import { isStrictSpanId, isStrictTraceId } from './ids.js';

export const B3_SINGLE_HEADER = 'b3';
export const X_B3_TRACE_ID = 'x-b3-traceid';
export const X_B3_SPAN_ID = 'x-b3-spanid';
export const X_B3_PARENT_SPAN_ID = 'x-b3-parentspanid';
export const X_B3_SAMPLED = 'x-b3-sampled';
export const X_B3_FLAGS = 'x-b3-flags';

/** `defer` = no sampling state sent: the receiver decides. */
export type B3Sampling = 'accept' | 'deny' | 'debug' | 'defer';

export type B3Parsed =
  | {
      readonly kind: 'context';
      readonly traceId: string;
      readonly spanId: string;
      readonly sampling: B3Sampling;
    }
  | { readonly kind: 'sampling-only'; readonly decision: Exclude<B3Sampling, 'defer'> };

// {trace}-{span}[-{sampling}[-{parent}]]: lowercase hex of exact lengths, nothing after.
const SINGLE = /^([0-9a-f]{32}|[0-9a-f]{16})-([0-9a-f]{16})(?:-([01d])(?:-([0-9a-f]{16}))?)?$/;
const TRACE_ID = /^(?:[0-9a-f]{32}|[0-9a-f]{16})$/;
const ID_16 = /^[0-9a-f]{16}$/;
const SINGLE_SAMPLING = new Map<string, Exclude<B3Sampling, 'defer'>>([
  ['0', 'deny'],
  ['1', 'accept'],
  ['d', 'debug'],
]);
// The spec allows `true`/`false` from lenient senders; nothing else.
const MULTI_SAMPLED = new Map<string, 'accept' | 'deny'>([
  ['1', 'accept'],
  ['0', 'deny'],
  ['true', 'accept'],
  ['false', 'deny'],
]);

/** 64-bit trace ids are left-padded to 128 bits, as OTel represents them. */
function padTraceId(id: string): string {
  return id.length === 16 ? `0000000000000000${id}` : id;
}

/** Parse the single `b3` header. Undefined when absent or invalid. */
export function parseB3Single(value: string): B3Parsed | undefined {
  const trimmed = trimOws(value);
  const only = SINGLE_SAMPLING.get(trimmed);
  if (only !== undefined) return { kind: 'sampling-only', decision: only };
  const match = SINGLE.exec(trimmed);
  if (!match || match[1] === undefined || match[2] === undefined) return undefined;
  const traceId = padTraceId(match[1]);
  const spanId = match[2];
  if (!isStrictTraceId(traceId) || !isStrictSpanId(spanId)) return undefined;
  const sampling = match[3] === undefined ? 'defer' : (SINGLE_SAMPLING.get(match[3]) ?? 'defer');
  return { kind: 'context', traceId, spanId, sampling };
}

/** Parse the X-B3-* headers. Undefined when absent or invalid (any present header malformed). */
export function parseB3Multi(headers: HeaderReader<unknown>): B3Parsed | undefined {
  const traceIdRaw = headers.one(X_B3_TRACE_ID);
  const spanIdRaw = headers.one(X_B3_SPAN_ID);
  const parentRaw = headers.one(X_B3_PARENT_SPAN_ID);
  const sampledRaw = headers.one(X_B3_SAMPLED);
  const flagsRaw = headers.one(X_B3_FLAGS);
  if (sampledRaw === INVALID) return undefined;
  let sampled: 'accept' | 'deny' | undefined;
  if (sampledRaw !== undefined) {
    sampled = MULTI_SAMPLED.get(trimOws(sampledRaw));
    if (sampled === undefined) return undefined;
  }
  // X-B3-Flags: 1 is debug; other values carry no meaning and are ignored.
  const debug = typeof flagsRaw === 'string' && trimOws(flagsRaw) === '1';
  const sampling: B3Sampling = debug ? 'debug' : (sampled ?? 'defer');

  if (traceIdRaw === undefined && spanIdRaw === undefined && parentRaw === undefined) {
    return sampling === 'defer' ? undefined : { kind: 'sampling-only', decision: sampling };
  }
  if (typeof traceIdRaw !== 'string' || typeof spanIdRaw !== 'string' || parentRaw === INVALID)
    return undefined;
  const traceIdText = trimOws(traceIdRaw);
  const spanId = trimOws(spanIdRaw);
  if (!TRACE_ID.test(traceIdText) || !ID_16.test(spanId)) return undefined;
  if (parentRaw !== undefined && !ID_16.test(trimOws(parentRaw))) return undefined;
  const traceId = padTraceId(traceIdText);
  if (!isStrictTraceId(traceId) || !isStrictSpanId(spanId)) return undefined;
  return { kind: 'context', traceId, spanId, sampling };
}

/**
 * Both encodings, single first: the spec says the single header takes precedence. An invalid
 * single header falls back to valid multi headers (otel-go does the same). A sampling-only
 * decision is returned only when neither encoding carries ids.
 */
export function parseB3(headers: HeaderReader<unknown>): B3Parsed | undefined {
  const singleRaw = headers.one(B3_SINGLE_HEADER);
  const single = typeof singleRaw === 'string' ? parseB3Single(singleRaw) : undefined;
  if (single?.kind === 'context') return single;
  const multi = parseB3Multi(headers);
  if (multi?.kind === 'context') return multi;
  return single ?? multi;
}
