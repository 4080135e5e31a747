import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EncodedSpans } from './otlp/encoded-queue.js';

/** Longest span name printed in a log line (names are short by convention, but user text). */
const MAX_NAME = 120;

/** `span "GET /orders" (trace 0af7…319c, span b7ad6b7169203331)`, for log lines about one span. */
export function spanLabel(name: string, traceId: string, spanId: string): string {
  const shown = name.length > MAX_NAME ? `${name.slice(0, MAX_NAME)}…` : name;
  return `span ${JSON.stringify(shown)} (trace ${traceId}, span ${spanId})`;
}

export function describeSpan(span: ReadableSpan): string {
  const ctx = span.spanContext();
  return spanLabel(span.name, ctx.traceId, ctx.spanId);
}

/** The label of the `i`-th span of a batch: span objects, or the OTLP queue's encoded bytes. */
export function describeSpanAt(spans: ArrayLike<ReadableSpan> | EncodedSpans, i: number): string {
  if (!(spans instanceof EncodedSpans)) {
    const span = spans[i];
    return span ? describeSpan(span) : 'a span';
  }
  try {
    return describeEncoded(spans.slabs[i]!, spans.starts[i]!, spans.ends[i]!);
  } catch {
    return 'a span';
  }
}

/**
 * Reads trace id (1), span id (2) and name (5) back from a `ScopeSpans.spans` entry (tag, length,
 * Span message, as span-encoder.ts writes it). They come first, so this reads a few dozen bytes.
 */
function describeEncoded(buf: Buffer, start: number, end: number): string {
  let pos = start + 1; // the entry's tag
  const varint = () => {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = buf[pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new Error('bad varint');
  };
  varint(); // the entry's length
  let traceId = '';
  let spanId = '';
  while (pos < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) varint();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const length = varint();
      const value = buf.subarray(pos, pos + length);
      pos += length;
      if (field === 1) traceId = value.toString('hex');
      else if (field === 2) spanId = value.toString('hex');
      else if (field === 5) return spanLabel(value.toString('utf8'), traceId, spanId);
    } else throw new Error(`wire type ${wire}`);
  }
  throw new Error('no name');
}
