import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TRUNCATED_ATTRIBUTE } from './otlp/span-truncation.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The most elements an array attribute value keeps (the SDK bounds each string, not the array). */
export const ARRAY_ELEMENT_LIMIT = 1024;
/** The most text an array value keeps, in values at the length limit (128 Ki characters by default). */
export const ARRAY_TEXT_VALUES = 8;

/**
 * Applies the attribute value length limit where the SDK does not:
 * - the status message, the span name and event names: sdk-trace 2.x cuts span, event and link
 *   attribute values at `attributeValueLengthLimit` (so `recordException`'s `exception.message` and
 *   `exception.stacktrace` too), but `setStatus`, `updateName` and `addEvent`'s name are copied as
 *   given, and instrumentations copy an error's message into the status: a 1 MB error message would
 *   otherwise reach the scrubber and the exporter whole;
 * - array values (span, event and link attributes): the SDK cuts each string in an array but keeps
 *   every element, so `span.setAttribute('order.items', body.items)` with a request body of 100,000
 *   strings cost 33 ms in `span.end()` (scrubbing and encoding each one), a million over 1 s. An
 *   array keeps its first elements, at most {@link ARRAY_ELEMENT_LIMIT} and, for strings, at most
 *   `limit` characters in all (one value, one length limit); a cut array is named in
 *   `acme.otel.truncated` (`order.items: 1024 of 100000 elements`).
 * Runs first in `onEnd`, before redaction, so the scrubber's work per value is bounded too. A few
 * type checks per attribute.
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
      let cut = capArrays(span.attributes, limit, '', undefined);
      const { events, links } = span;
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (event.name.length > limit) (event as { name: string }).name = event.name.slice(0, limit);
        if (event.attributes) cut = capArrays(event.attributes, limit, `events[${i}].`, cut);
      }
      for (let i = 0; i < links.length; i++) {
        const attributes = links[i]!.attributes;
        if (attributes) cut = capArrays(attributes, limit, `links[${i}].`, cut);
      }
      if (cut !== undefined) span.attributes[TRUNCATED_ATTRIBUTE] = cut;
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

/** Cuts the over-long arrays of `attributes` in place; returns `cut` with a label for each. */
function capArrays(
  attributes: Attributes,
  limit: number,
  prefix: string,
  cut: string[] | undefined,
): string[] | undefined {
  for (const key in attributes) {
    const value = attributes[key];
    if (!Array.isArray(value) || value.length === 0) continue;
    const kept = keptElements(value, limit * ARRAY_TEXT_VALUES);
    if (kept === value.length) continue;
    attributes[key] = value.slice(0, kept) as AttributeValue;
    const label = `${prefix}${key}: ${kept} of ${value.length} elements`;
    if (cut === undefined) cut = [label];
    else cut.push(label);
  }
  return cut;
}

/**
 * How many leading elements fit: at most ARRAY_ELEMENT_LIMIT, and strings at most `maxChars`
 * characters in all (numbers and booleans are a few bytes each). Reads at most that many elements.
 */
function keptElements(value: readonly unknown[], maxChars: number): number {
  const n = Math.min(value.length, ARRAY_ELEMENT_LIMIT);
  let chars = 0;
  for (let i = 0; i < n; i++) {
    const v = value[i];
    if (typeof v === 'string') {
      chars += v.length;
      if (chars > maxChars) return i; // never the first: the SDK cut it to `limit`
    }
  }
  return n;
}
