import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { waterLevel } from './span-text-budget.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };
/** The span, an event or a link: whatever carries attributes. */
export type Holder = { attributes?: Attributes; droppedAttributesCount?: number };

/**
 * An empty attributes object to fill with keys V8 may not have seen (a span's distinct keys), in
 * V8's dictionary mode: `{}` would make a new hidden class for each of its first dozen or so keys,
 * ~0.5 µs each (0.7 of the 0.85 ms that keeping 2,048 distinct keys took). Its prototype is
 * Object.prototype, as any attributes object's: only where V8 keeps the properties differs.
 */
export function emptyAttributes(): Attributes {
  return Object.setPrototypeOf(Object.create(null), Object.prototype) as Attributes;
}

/**
 * What the caller's walk of the span found, so that its attributes are not enumerated again
 * (enumerating 16,384 distinct keys costs ~1 ms, however it is done): the values of the span's own
 * attributes, and the values and the keys, in order, of each event, then each link.
 */
export interface ValueCounts {
  readonly own: number;
  readonly holderValues: readonly number[];
  readonly holderKeys: readonly (readonly string[])[];
}

/**
 * Cuts the span's attribute values, in place, until it holds at most `maxValues` (a string, number
 * or boolean counts 1, an array its elements), as `span.end()` is linear in their number: the SDK's
 * counts allow 128 attributes plus 128 events and 128 links of 128 attributes each, and an array
 * value up to 1,024 elements (value-length-limit.ts), so a span could hold 17 million numbers.
 * - The span's own attributes come first and stay whole, unless their arrays alone exceed the
 *   budget: then every array longer than some length L is cut to L, the largest L that fits.
 * - Events and links share what is left: each keeps its leading attributes up to one level, the
 *   largest that fits (small ones stay whole, the largest lose the most; an array across the level
 *   keeps its leading elements). What an event or link lost is added to its
 *   `droppedAttributesCount`, which the exporter sends.
 * `values` is the span's count and `counts` its parts, already made by the caller. Returns the label
 * for `acme.otel.truncated`. Only spans past the budget come here.
 */
export function fitSpanValues(
  readable: ReadableSpan,
  values: number,
  maxValues: number,
  counts: ValueCounts,
): string {
  const span = readable as Writable<ReadableSpan>;
  const parts: string[] = [];
  let own = counts.own;
  if (own > maxValues) {
    const lengths: number[] = [];
    for (const key in span.attributes) lengths.push(size(span.attributes[key]));
    const level = Math.max(1, waterLevel(lengths, maxValues));
    own = 0;
    for (const key in span.attributes) {
      const value = span.attributes[key];
      if (Array.isArray(value) && value.length > level)
        span.attributes[key] = value.slice(0, level) as AttributeValue;
      own += size(span.attributes[key]);
    }
    parts.push(`arrays longer than ${level} elements cut`);
  }
  const holders: Holder[] = [...span.events, ...span.links];
  const sizes = counts.holderValues;
  const level = waterLevel([...sizes], Math.max(0, maxValues - own));
  let dropped = 0;
  for (let i = 0; i < holders.length; i++) {
    if (sizes[i]! > level) dropped += keepLeading(holders[i]!, level, counts.holderKeys[i]!);
  }
  if (dropped > 0 || parts.length === 0) {
    parts.push(`events and links keep ${level} each, ${dropped} of their attributes dropped`);
  }
  return `span values: ${values}, cut to ${maxValues} (${parts.join('; ')})`;
}

function size(value: unknown): number {
  return Array.isArray(value) ? value.length : 1;
}

/**
 * Keeps `holder`'s leading attributes (of `keys`, its keys in order) up to `level` values (an array
 * across it keeps its leading elements), counts the rest in its `droppedAttributesCount`; returns
 * how many it lost.
 */
function keepLeading(holder: Holder, level: number, keys: readonly string[]): number {
  const attributes = holder.attributes!;
  const kept = emptyAttributes();
  let room = level;
  let keptCount = 0;
  for (; keptCount < keys.length && room > 0; keptCount++) {
    const key = keys[keptCount]!;
    const value = attributes[key];
    const n = size(value);
    if (n <= room) {
      kept[key] = value;
      room -= n;
    } else {
      // Only an array can be larger than a room of at least 1.
      kept[key] = (value as unknown[]).slice(0, room) as AttributeValue;
      room = 0;
    }
  }
  const dropped = keys.length - keptCount;
  holder.attributes = kept;
  holder.droppedAttributesCount = (holder.droppedAttributesCount ?? 0) + dropped;
  return dropped;
}
