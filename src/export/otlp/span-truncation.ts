import type { Attributes, AttributeValue, Link, SpanStatus } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/** Attribute naming the values that were cut, on a span truncated to fit an export request. */
export const TRUNCATED_ATTRIBUTE = 'acme.otel.truncated';

/** Appended to each cut value, with the value's original size in UTF-8 bytes. */
const marker = (bytes: number) => `…[truncated, ${bytes} bytes]`;
/** What a marker and its entry in TRUNCATED_ATTRIBUTE cost at most, besides the label itself. */
const PER_VALUE_OVERHEAD = 48;
/** TRUNCATED_ATTRIBUTE's own key and framing. */
const FIXED_OVERHEAD = 64;

/** One string the span carries: where it is (for TRUNCATED_ATTRIBUTE) and its size. */
export interface Candidate {
  readonly label: string;
  readonly value: string;
  readonly bytes: number;
  /** Writes the cut value into the copy being built. */
  readonly set: (value: string) => void;
}

export interface TruncatedSpan {
  /** A view of the span with the cut values; the span itself is left as it is. */
  readonly span: ReadableSpan;
  /** Labels of the cut values: attribute keys, `events[2].exception.stacktrace`, `status.message`. */
  readonly cut: readonly string[];
}

/**
 * A view of `span` whose string values (span, event and link attributes, strings in arrays, the
 * status message) are cut, longest first, until at least `excessBytes` are saved: every value
 * longer than some length L is cut to L, the smallest L that saves enough, so short values stay
 * whole and the longest lose the most. Each cut value ends with a marker giving its original
 * size, and TRUNCATED_ATTRIBUTE lists them. Undefined when cutting every string to nothing would
 * still not save enough (a huge name, or thousands of numbers): the span must then be dropped.
 */
export function truncateSpan(span: ReadableSpan, excessBytes: number): TruncatedSpan | undefined {
  const attributes: Attributes = { ...span.attributes };
  const events: TimedEvent[] = span.events.map((e) => ({ ...e, attributes: { ...e.attributes } }));
  const links: Link[] = span.links.map((l) => ({ ...l, attributes: { ...l.attributes } }));
  let status: SpanStatus = span.status;
  const candidates: Candidate[] = [];
  collect(candidates, '', attributes);
  events.forEach((e, i) => {
    collect(candidates, `events[${i}].`, e.attributes!);
  });
  links.forEach((l, i) => {
    collect(candidates, `links[${i}].`, l.attributes!);
  });
  const message = span.status.message;
  if (message) {
    candidates.push({
      label: 'status.message',
      value: message,
      bytes: Buffer.byteLength(message),
      set: (value) => {
        status = { ...status, message: value };
      },
    });
  }

  const cut = cutLongest(candidates, excessBytes);
  if (cut === undefined) return undefined;
  // Arrays cut earlier (value-length-limit.ts) keep their labels, first.
  const earlier = attributes[TRUNCATED_ATTRIBUTE];
  attributes[TRUNCATED_ATTRIBUTE] = Array.isArray(earlier) ? [...(earlier as string[]), ...cut] : cut;
  // Every field the encoder reads comes from the span through the prototype, except these.
  const view = Object.create(span, {
    attributes: { value: attributes, enumerable: true },
    events: { value: events, enumerable: true },
    links: { value: links, enumerable: true },
    status: { value: status, enumerable: true },
  }) as ReadableSpan;
  return { span: view, cut };
}

/**
 * Cuts the longest of `candidates` until at least `excessBytes` are saved, markers and labels
 * counted (water-filling: every value longer than some length L is cut to L, the smallest L that
 * saves enough). Returns the labels cut, or undefined when cutting every string to nothing would
 * still not save enough; then nothing is cut.
 */
export function cutLongest(candidates: Candidate[], excessBytes: number): string[] | undefined {
  candidates.sort((a, b) => b.bytes - a.bytes);
  // With the `j` longest values cut to `cap`, the saving is
  // sum(bytes of those j) - j * cap - their markers and labels.
  let sum = 0;
  let overhead = 0;
  let count = 0;
  let cap = -1;
  for (let j = 0; j < candidates.length; j++) {
    const c = candidates[j]!;
    sum += c.bytes;
    overhead += PER_VALUE_OVERHEAD + Buffer.byteLength(c.label);
    const next = candidates[j + 1]?.bytes ?? 0;
    const best = Math.floor((sum - overhead - FIXED_OVERHEAD - excessBytes) / (j + 1));
    if (best >= next) {
      cap = best;
      count = j + 1;
      break;
    }
  }
  if (cap < 0) return undefined;
  const cut: string[] = [];
  for (let j = 0; j < count; j++) {
    const c = candidates[j]!;
    c.set(cutToBytes(c.value, cap) + marker(c.bytes));
    cut.push(c.label);
  }
  return cut;
}

/** Every string value of `attributes` (and in its arrays, which are copied) as a candidate to cut. */
export function collect(out: Candidate[], prefix: string, attributes: Attributes): void {
  for (const key of Object.keys(attributes)) {
    const value: AttributeValue | undefined = attributes[key];
    if (typeof value === 'string') {
      out.push({
        label: prefix + key,
        value,
        bytes: Buffer.byteLength(value),
        set: (v) => {
          attributes[key] = v;
        },
      });
    } else if (Array.isArray(value)) {
      const copy = [...value] as (string | null | undefined)[];
      attributes[key] = copy as AttributeValue;
      copy.forEach((item, i) => {
        if (typeof item !== 'string') return;
        out.push({
          label: `${prefix}${key}[${i}]`,
          value: item,
          bytes: Buffer.byteLength(item),
          set: (v) => {
            copy[i] = v;
          },
        });
      });
    }
  }
}

/** The longest prefix of `value` of at most `maxBytes` UTF-8 bytes, never splitting a character. */
export function cutToBytes(value: string, maxBytes: number): string {
  if (maxBytes <= 0) return '';
  let end = Math.min(value.length, maxBytes);
  let bytes = Buffer.byteLength(value.slice(0, end));
  while (bytes > maxBytes) {
    // Each UTF-16 unit is 1–3 bytes: shrinking by the excess never overshoots by much.
    end -= Math.max(1, Math.ceil((bytes - maxBytes) / 3));
    bytes = Buffer.byteLength(value.slice(0, end));
  }
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a lone high surrogate would encode as U+FFFD
  return value.slice(0, end);
}
