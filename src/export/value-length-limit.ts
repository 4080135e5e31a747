import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { TRUNCATED_ATTRIBUTE } from './otlp/span-truncation.js';
import { cutAt, fitSpanText, spanText } from './span-text-budget.js';
import { fitSpanValues, type Holder } from './span-value-budget.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The most elements an array attribute value keeps (the SDK bounds each string, not the array). */
export const ARRAY_ELEMENT_LIMIT = 1024;
/** The most text an array value keeps, in values at the length limit (64 Ki characters by default). */
export const ARRAY_TEXT_VALUES = 4;
/**
 * The most text a whole span keeps, in values at the length limit (128 Ki characters by default):
 * that much text dense with URLs to scrub costs ~2 ms in `span.end()`, leaving room in 5 ms for
 * the values (value count limit) that carry it.
 */
export const SPAN_TEXT_VALUES = 8;
/** The longest attribute key kept, in characters (the SDK has no limit; backends cut at 255 or so). */
export const KEY_LENGTH_LIMIT = 256;

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
 *   (./span-text-budget.ts), and `acme.otel.truncated` says so;
 * - the number of values (array elements counted one by one): the same counts allowed 16,512 values
 *   (14 ms in `span.end()` however short) and, in arrays of 1,024 numbers, 17 million (4.4 s). Past
 *   `maxValues` the span's own attributes stay whole and its events and links lose their last
 *   attributes, counted in their `droppedAttributesCount` (./span-value-budget.ts);
 * - attribute keys longer than {@link KEY_LENGTH_LIMIT} characters (the SDK has no key limit, and a
 *   1 MiB key cost 17 ms): cut to it, named in `acme.otel.truncated`.
 * Runs first in `onEnd`, before redaction, so the scrubber's work is bounded too. A few type checks
 * and additions per attribute.
 */
export function createValueLengthLimit(limit: number, maxValues: number): SpanProcessor {
  const arrayText = limit * ARRAY_TEXT_VALUES;
  const maxText = limit * SPAN_TEXT_VALUES;
  return {
    onStart(_span: Span, _context: Context): void {},
    onEnd(readable: ReadableSpan): void {
      try {
        limitSpan(readable as Writable<ReadableSpan>, limit, arrayText, maxText, maxValues);
      } catch (error) {
        // Never throw into the host's span.end() (the SDK copies what it is given, but code can
        // reach into a span object: test/unit/export/attribute-value-limit.test.ts).
        walk.cuts.length = 0;
        walk.unlisted = 0;
        log.debug(`could not apply the length limits to a span: ${(error as Error)?.message}`);
      }
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function limitSpan(
  span: Writable<ReadableSpan>,
  limit: number,
  arrayText: number,
  maxText: number,
  maxValues: number,
): void {
  const message = span.status.message;
  if (message !== undefined && message.length > limit) {
    span.status = { ...span.status, message: message.slice(0, limit) };
  }
  if (span.name.length > limit) span.name = span.name.slice(0, limit);
  const { cuts } = walk;
  walk.chars = span.name.length + (span.status.message?.length ?? 0);
  walk.values = 0;
  capArrays(span, arrayText, '', -1);
  const { events, links } = span;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.name.length > limit) (event as { name: string }).name = event.name.slice(0, limit);
    walk.chars += event.name.length;
    if (event.attributes) capArrays(event, arrayText, 'events', i);
  }
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    if (link.attributes) capArrays(link, arrayText, 'links', i);
  }
  let chars = walk.chars;
  if (walk.values > maxValues) {
    cuts.push(fitSpanValues(span, walk.values, maxValues));
    chars = spanText(span);
  }
  if (chars > maxText) cuts.push(fitSpanText(span, chars, maxText));
  if (walk.unlisted > 0) {
    cuts.push(`${walk.unlisted} more arrays or keys cut, not listed`);
    walk.unlisted = 0;
  }
  if (cuts.length > 0) span.attributes[TRUNCATED_ATTRIBUTE] = cuts.splice(0);
}

/**
 * What the walk of the span being ended found: labels of what was cut, its text and its values so
 * far (one object reused: `onEnd` is synchronous and takes the labels).
 */
const walk = { cuts: [] as string[], unlisted: 0, chars: 0, values: 0 };

/**
 * Labels of cut arrays and keys listed one by one; past it they are counted in one label: 2,048 cut
 * keys made a 2,048-element `acme.otel.truncated` that cost more to scrub and encode than the keys.
 */
const LISTED_CUTS = 32;

/** Adds the label `build` makes to `walk.cuts`, or counts it once LISTED_CUTS are listed. */
function noteCut(build: () => string): void {
  if (walk.cuts.length < LISTED_CUTS) walk.cuts.push(build());
  else walk.unlisted++;
}

/**
 * Cuts the over-long arrays of `attributes` and keys in place, with a label for each in `walk.cuts`
 * (`key`, or `events[2].key` for `where` 'events' and `index` 2, built only when cutting); adds the
 * text and the values `attributes` then holds to `walk`.
 */
function capArrays(holder: Holder, maxArrayChars: number, where: string, index: number): void {
  const attributes = holder.attributes!;
  let chars = 0;
  let values = 0;
  let longKeys: string[] | undefined;
  for (const key in attributes) {
    if (key.length > KEY_LENGTH_LIMIT) {
      longKeys ??= [];
      longKeys.push(key);
    }
    const value = attributes[key];
    if (!Array.isArray(value)) {
      values++;
      if (typeof value === 'string') chars += value.length;
      continue;
    }
    const kept = keptElements(value, maxArrayChars);
    if (kept.count < value.length) {
      attributes[key] = value.slice(0, kept.count) as AttributeValue;
      noteCut(() => `${pathOf(key, where, index)}: ${kept.count} of ${value.length} elements`);
    }
    chars += kept.chars;
    values += kept.count;
  }
  if (longKeys) holder.attributes = cutKeys(attributes, longKeys, where, index);
  walk.chars += chars;
  walk.values += values;
}

/** `key`, or `events[2].key` for an event's or link's attribute; a long key shown by its start. */
function pathOf(key: string, where: string, index: number): string {
  const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key;
  return index < 0 ? shown : `${where}[${index}].${shown}`;
}

/**
 * `attributes` with each of `keys` cut to its first KEY_LENGTH_LIMIT characters (a later one wins
 * a clash), in a new object that keeps the attributes' order.
 */
function cutKeys(attributes: Attributes, keys: string[], where: string, index: number): Attributes {
  const out: Attributes = {};
  for (const key in attributes) {
    out[key.length > KEY_LENGTH_LIMIT ? cutAt(key, KEY_LENGTH_LIMIT) : key] = attributes[key];
  }
  for (const key of keys) {
    noteCut(() => `${pathOf(key, where, index)}: key of ${key.length} characters cut to ${KEY_LENGTH_LIMIT}`);
  }
  return out;
}

/**
 * How many leading elements fit, and their text: at most ARRAY_ELEMENT_LIMIT elements, and strings
 * at most `maxChars` characters in all (numbers and booleans are a few bytes each). The SDK keeps
 * only arrays of one type (nulls aside), so an array of numbers or booleans is known by its first
 * such element and not read further: 16,384 arrays of 1,024 numbers took 11 ms to read through.
 */
function keptElements(value: readonly unknown[], maxChars: number): { count: number; chars: number } {
  const n = Math.min(value.length, ARRAY_ELEMENT_LIMIT);
  let chars = 0;
  let count = 0;
  for (; count < n; count++) {
    const v = value[count];
    if (typeof v !== 'string') {
      if (v == null) continue;
      return { count: n, chars };
    }
    if (chars + v.length > maxChars) break; // never the first: the SDK cut it to the limit
    chars += v.length;
  }
  return { count, chars };
}
