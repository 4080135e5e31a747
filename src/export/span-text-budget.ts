import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Cuts the span's longest strings, in place, until its text is at most `maxChars` characters: every
 * string longer than some length L is cut to L, the largest L that fits, so short values stay whole
 * and the longest lose the most (as span-truncation.ts does for an export request, there in bytes).
 * Strings are attribute values of the span, its events and links (in arrays too), the span name,
 * event names and the status message. `chars` is their total, already counted by the caller.
 * Returns the label for `acme.otel.truncated`. Linear in the span's values plus a sort of their
 * lengths; only spans past the budget come here.
 */
export function fitSpanText(readable: ReadableSpan, chars: number, maxChars: number): string {
  const span = readable as Writable<ReadableSpan>;
  const lengths: number[] = [];
  visitStrings(span, (value) => {
    lengths.push(value.length);
    return value;
  });
  const level = waterLevel(lengths, maxChars);
  visitStrings(span, (value) => (value.length > level ? cutAt(value, level) : value));
  return `span text: ${chars} characters, cut to ${maxChars} (values longer than ${level} cut)`;
}

/** The characters of every string the span carries (as fitSpanText counts them). */
export function spanText(readable: ReadableSpan): number {
  let chars = 0;
  visitStrings(readable as Writable<ReadableSpan>, (value) => {
    chars += value.length;
    return value;
  });
  return chars;
}

/**
 * The largest L with sum(min(length, L)) <= maxChars. `lengths` is sorted in place, longest first.
 */
export function waterLevel(lengths: number[], maxChars: number): number {
  lengths.sort((a, b) => b - a);
  let rest = 0;
  for (const n of lengths) rest += n;
  // With the k longest cut to L and the others whole: k * L + rest <= maxChars.
  for (let k = 1; k <= lengths.length; k++) {
    rest -= lengths[k - 1]!;
    const level = Math.floor((maxChars - rest) / k);
    if (level >= (lengths[k] ?? 0)) return Math.max(0, level);
  }
  return 0;
}

/** `value` cut to `length` UTF-16 units, never leaving half a surrogate pair. */
export function cutAt(value: string, length: number): string {
  const last = value.charCodeAt(length - 1);
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

/** Calls `map` on every string the span carries and stores what it returns. */
function visitStrings(span: Writable<ReadableSpan>, map: (value: string) => string): void {
  span.name = map(span.name);
  const message = span.status.message;
  if (message) {
    const mapped = map(message);
    if (mapped !== message) span.status = { ...span.status, message: mapped };
  }
  visitAttributes(span.attributes, map);
  for (const event of span.events) {
    (event as { name: string }).name = map(event.name);
    if (event.attributes) visitAttributes(event.attributes, map);
  }
  for (const link of span.links) if (link.attributes) visitAttributes(link.attributes, map);
}

function visitAttributes(attributes: Attributes, map: (value: string) => string): void {
  for (const key in attributes) {
    const value = attributes[key];
    if (typeof value === 'string') {
      attributes[key] = map(value);
    } else if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item !== 'string') continue;
        const mapped = map(item);
        if (mapped === item) continue;
        if (copy === undefined) copy = [...value];
        copy[i] = mapped;
      }
      if (copy) attributes[key] = copy as AttributeValue;
    }
  }
}
