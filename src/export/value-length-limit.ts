import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { TRUNCATED_ATTRIBUTE } from './otlp/span-truncation.js';
import { fitSpanText } from './span-text-budget.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The most elements an array attribute value keeps (the SDK bounds each string, not the array). */
export const ARRAY_ELEMENT_LIMIT = 1024;
/** The most text an array value keeps, in values at the length limit (128 Ki characters by default). */
export const ARRAY_TEXT_VALUES = 8;
/** The most text a whole span keeps, in values at the length limit (256 Ki characters by default). */
export const SPAN_TEXT_VALUES = 16;

/**
 * Applies the attribute value length limit where the SDK does not, and bounds what a span holds
 * in all, so that `span.end()` (scrubbing, then encoding, both linear) stays within a few ms:
 * - the status message, the span name and event names: sdk-trace 2.x cuts span, event and link
 *   attribute values at `attributeValueLengthLimit` (so `recordException`'s `exception.message` and
 *   `exception.stacktrace` too), but `setStatus`, `updateName` and `addEvent`'s name are copied as
 *   given, and instrumentations copy an error's message into the status: a 1 MB error message would
 *   otherwise reach the scrubber and the exporter whole;
 * - array values (span, event and link attributes): the SDK cuts each string in an array but keeps
 *   every element, so `span.setAttribute('order.items', body.items)` with a request body of 100,000
 *   strings cost 33 ms in `span.end()`, a million over 1 s. An array keeps its first elements, at
 *   most {@link ARRAY_ELEMENT_LIMIT} and, for strings, at most {@link ARRAY_TEXT_VALUES} × `limit`
 *   characters in all; a cut array is named in `acme.otel.truncated`
 *   (`order.items: 1024 of 100000 elements`);
 * - the span's text in all (every string value, in arrays too, the name, event names, the status
 *   message): the SDK's counts multiply (128 attributes, 128 events of 128 attributes, 128 links,
 *   each value up to `limit`), so a span could hold 16 MB and cost 277 ms. Past
 *   {@link SPAN_TEXT_VALUES} × `limit` characters the longest values are cut first
 *   (./span-text-budget.ts), and `acme.otel.truncated` says so.
 * Runs first in `onEnd`, before redaction, so the scrubber's work is bounded too. A few type checks
 * and additions per attribute.
 */
export function createValueLengthLimit(limit: number): SpanProcessor {
  const arrayText = limit * ARRAY_TEXT_VALUES;
  const spanText = limit * SPAN_TEXT_VALUES;
  return {
    onStart(_span: Span, _context: Context): void {},
    onEnd(readable: ReadableSpan): void {
      try {
        limitSpan(readable as Writable<ReadableSpan>, limit, arrayText, spanText);
      } catch (error) {
        // Never throw into the host's span.end() (the SDK copies what it is given, but code can
        // reach into a span object: test/unit/export/attribute-value-limit.test.ts).
        pendingCuts.length = 0;
        log.debug(`could not apply the length limits to a span: ${(error as Error)?.message}`);
      }
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function limitSpan(span: Writable<ReadableSpan>, limit: number, arrayText: number, spanText: number): void {
  const message = span.status.message;
  if (message !== undefined && message.length > limit) {
    span.status = { ...span.status, message: message.slice(0, limit) };
  }
  if (span.name.length > limit) span.name = span.name.slice(0, limit);
  const cut = pendingCuts;
  let chars = span.name.length + (span.status.message?.length ?? 0);
  chars += capArrays(span.attributes, arrayText, cut, '', -1);
  const { events, links } = span;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.name.length > limit) (event as { name: string }).name = event.name.slice(0, limit);
    chars += event.name.length;
    if (event.attributes) chars += capArrays(event.attributes, arrayText, cut, 'events', i);
  }
  for (let i = 0; i < links.length; i++) {
    const attributes = links[i]!.attributes;
    if (attributes) chars += capArrays(attributes, arrayText, cut, 'links', i);
  }
  if (chars > spanText) cut.push(fitSpanText(span, chars, spanText));
  if (cut.length > 0) span.attributes[TRUNCATED_ATTRIBUTE] = cut.splice(0);
}

/** Labels of the span being ended (reused: `onEnd` is synchronous and takes them all). */
const pendingCuts: string[] = [];

/**
 * Cuts the over-long arrays of `attributes` in place, with a label for each in `cut` (`key`, or
 * `events[2].key` for `where` 'events' and `index` 2, built only when cutting); returns the
 * characters of text `attributes` then holds.
 */
function capArrays(
  attributes: Attributes,
  maxArrayChars: number,
  cut: string[],
  where: string,
  index: number,
): number {
  let chars = 0;
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value === 'string') {
      chars += value.length;
      continue;
    }
    if (!Array.isArray(value) || value.length === 0) continue;
    const kept = keptElements(value, maxArrayChars);
    if (kept.count < value.length) {
      attributes[key] = value.slice(0, kept.count) as AttributeValue;
      const path = index < 0 ? key : `${where}[${index}].${key}`;
      cut.push(`${path}: ${kept.count} of ${value.length} elements`);
    }
    chars += kept.chars;
  }
  return chars;
}

/**
 * How many leading elements fit, and their text: at most ARRAY_ELEMENT_LIMIT elements, and strings
 * at most `maxChars` characters in all (numbers and booleans are a few bytes each). Reads at most
 * that many elements.
 */
function keptElements(value: readonly unknown[], maxChars: number): { count: number; chars: number } {
  const n = Math.min(value.length, ARRAY_ELEMENT_LIMIT);
  let chars = 0;
  let count = 0;
  for (; count < n; count++) {
    const v = value[count];
    if (typeof v !== 'string') continue;
    if (chars + v.length > maxChars) break; // never the first: the SDK cut it to the limit
    chars += v.length;
  }
  return { count, chars };
}
