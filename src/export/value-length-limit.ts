import type { Attributes, AttributeValue, Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { log } from '../diag/index.js';
import { TRUNCATED_ATTRIBUTE } from './otlp/span-truncation.js';
import { cutAt, fitSpanText, spanText } from './span-text-budget.js';
import { emptyAttributes, fitSpanValues, type Holder } from './span-value-budget.js';

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
 * The most over-long keys a span has cut; the attributes of any further ones of its events and
 * links are dropped (its own, at most `attributeCountLimit`, are all cut). A key
 * cut is a new property name, which V8 interns: ~1.2 µs for a key cut to 256 characters, 2.1 ms
 * for 2,048 of them, where dropping one costs ~0.1 µs.
 */
export const CUT_KEYS = 32;

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
 *   1 MiB key cost 17 ms): the span's own and the first of its events' and links' (up to
 *   {@link CUT_KEYS} in all) are cut to it, named in `acme.otel.truncated`; the attributes of any
 *   more are dropped, counted in the `droppedAttributesCount` of the event or link that had them
 *   and in one label.
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
        walk.holderValues.length = 0;
        walk.holderKeys.length = 0;
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
  walk.unlisted = 0;
  walk.keysCut = 0;
  walk.keysDropped = 0;
  capArrays(span, arrayText, '', -1);
  walk.own = walk.values;
  const { events, links } = span;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.name.length > limit) (event as { name: string }).name = event.name.slice(0, limit);
    walk.chars += event.name.length;
    countHolder(event, arrayText, 'events', i);
  }
  for (let i = 0; i < links.length; i++) countHolder(links[i]!, arrayText, 'links', i);
  let chars = walk.chars;
  if (walk.values > maxValues) {
    cuts.push(fitSpanValues(span, walk.values, maxValues, walk));
    chars = spanText(span);
  }
  walk.holderValues.length = 0;
  walk.holderKeys.length = 0; // not to keep the span's keys alive until the next one
  if (chars > maxText) cuts.push(fitSpanText(span, chars, maxText));
  if (walk.unlisted > 0) cuts.push(`${walk.unlisted} more arrays or keys cut, not listed`);
  if (walk.keysDropped > 0) {
    cuts.push(
      `${walk.keysDropped} attributes dropped: keys over ${KEY_LENGTH_LIMIT} characters past the first ${CUT_KEYS}`,
    );
  }
  if (cuts.length > 0) span.attributes[TRUNCATED_ATTRIBUTE] = cuts.splice(0);
}

/**
 * What the walk of the span being ended found: labels of what was cut, its text and its values so
 * far, the over-long keys it cut and dropped, and the counts the value budget reuses (one object
 * reused: `onEnd` is synchronous and takes the labels).
 */
const walk = {
  cuts: [] as string[],
  unlisted: 0,
  chars: 0,
  values: 0,
  keysCut: 0,
  keysDropped: 0,
  own: 0,
  holderValues: [] as number[],
  holderKeys: [] as string[][],
};

/** capArrays on an event or link, its values and keys noted in `walk`. */
function countHolder(holder: Holder, arrayText: number, where: string, index: number): void {
  const values = walk.values;
  const keys = holder.attributes ? capArrays(holder, arrayText, where, index) : [];
  walk.holderValues.push(walk.values - values);
  walk.holderKeys.push(keys);
}

/**
 * Labels of cut arrays and keys listed one by one; past it they are counted in one label: 2,048 cut
 * keys made a 2,048-element `acme.otel.truncated` that cost more to scrub and encode than the keys.
 */
const LISTED_CUTS = 32;

/**
 * Adds the label of a cut to `walk.cuts` (`key: <what>`, the key placed by `where` and `index`),
 * or counts it once LISTED_CUTS are listed. The label is built here, never in a closure: a closure
 * over a loop's variables made V8 allocate a context for every attribute walked, cut or not (~56
 * bytes each, 0.9 MB for a span of 16,384 values, which page faults made cost up to 10 ms).
 */
function noteCut(key: string, where: string, index: number, what: string | number, of?: number): void {
  if (walk.cuts.length >= LISTED_CUTS) walk.unlisted++;
  else if (of === undefined) walk.cuts.push(`${pathOf(key, where, index)}: ${what}`);
  else walk.cuts.push(`${pathOf(key, where, index)}: ${what} of ${of} elements`);
}

/**
 * Cuts the over-long arrays of `attributes` and keys in place (past CUT_KEYS an event's or link's
 * over-long keys are dropped with their values instead), with a label for each cut in `walk.cuts`
 * (`key`, or `events[2].key` for `where` 'events' and `index` 2, built only when cutting); adds the
 * text and the values `attributes` then holds to `walk`. Returns the keys it then holds, in order:
 * `Object.keys`' own array unless a key was cut or dropped (one array per event, where `for…in`
 * and a copy made two).
 */
function capArrays(holder: Holder, maxArrayChars: number, where: string, index: number): string[] {
  const attributes = holder.attributes!;
  const names = Object.keys(attributes);
  let keys: string[] | undefined; // made once a key differs from `names`
  let chars = 0;
  let values = 0;
  let longKeys: string[] | undefined;
  let dropKeys: string[] | undefined;
  for (let n = 0; n < names.length; n++) {
    const key = names[n]!;
    if (key.length > KEY_LENGTH_LIMIT) {
      keys ??= names.slice(0, n);
      // The span's own (at most attributeCountLimit) are always cut: the SDK's span has no setter
      // for its droppedAttributesCount.
      if (walk.keysCut >= CUT_KEYS && index >= 0) {
        dropKeys ??= [];
        dropKeys.push(key);
        continue;
      }
      walk.keysCut++;
      longKeys ??= [];
      longKeys.push(key);
      keys.push(cutAt(key, KEY_LENGTH_LIMIT));
    } else if (keys !== undefined) {
      keys.push(key);
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
      noteCut(key, where, index, kept.count, value.length);
    }
    chars += kept.chars;
    values += kept.count;
  }
  if (dropKeys) {
    for (const key of dropKeys) delete attributes[key];
    holder.droppedAttributesCount = (holder.droppedAttributesCount ?? 0) + dropKeys.length;
    walk.keysDropped += dropKeys.length;
  }
  if (longKeys) holder.attributes = cutKeys(attributes, longKeys, where, index);
  walk.chars += chars;
  walk.values += values;
  return keys ?? names;
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
  const out = emptyAttributes();
  for (const key in attributes) {
    out[key.length > KEY_LENGTH_LIMIT ? cutAt(key, KEY_LENGTH_LIMIT) : key] = attributes[key];
  }
  for (const key of keys) {
    noteCut(key, where, index, `key of ${key.length} characters cut to ${KEY_LENGTH_LIMIT}`);
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
