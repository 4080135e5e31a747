import type { Attributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { log } from '../../diag/log.js';
import { KeyCache } from '../../util/key-cache.js';
import { ProtoWriter } from './proto-writer.js';

// The OTLP trace protobuf, field for field and in the same order as upstream's serializer
// (otlp-transformer 0.223, trace-serializer.ts / common-serializer.ts), so the bytes match.
// Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.

const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_IS_REMOTE = 0x200;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

/** `ScopeSpans.spans` entry (tag 2) for one span: tag, length and the `Span` message. */
export function writeSpanEntry(w: ProtoWriter, span: ReadableSpan): void {
  w.tag(2, 2);
  const at = w.startLength();
  const ctx = span.spanContext();
  writeContext(w, ctx);
  const parent = span.parentSpanContext;
  if (parent?.spanId) writeId(w, 4, parent.spanId, SPAN_ID_LENGTH, 'parent span id');
  w.tag(5, 2);
  w.string(span.name);
  // OTLP's SpanKind is the API's plus one (0 is UNSPECIFIED).
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    w.tag(6, 0);
    w.varint(kind);
  }
  w.tag(7, 1);
  writeHrTime(w, span.startTime);
  w.tag(8, 1);
  writeHrTime(w, span.endTime);
  if (span.attributes) writeAttributes(w, span.attributes, 9);
  w.tag(10, 0);
  w.varint(span.droppedAttributesCount);
  for (const event of span.events) writeEvent(w, event);
  w.tag(12, 0);
  w.varint(span.droppedEventsCount);
  let badLinks = 0;
  for (const link of span.links) {
    if (idsFit(link.context)) writeLink(w, link);
    else badLinks += droppedLink(span, link.context);
  }
  w.tag(14, 0);
  w.varint(span.droppedLinksCount + badLinks);
  w.tag(15, 2);
  const status = w.startLength();
  if (span.status.message) {
    w.tag(2, 2);
    w.string(span.status.message);
  }
  w.tag(3, 0);
  w.varint(span.status.code);
  w.finishLength(status);
  w.tag(16, 5);
  w.fixed32(spanFlags(ctx.traceFlags, parent?.isRemote));
  w.finishLength(at);
}

/** trace_id = 1, span_id = 2, trace_state = 3 (omitted when empty): the same in Span and Link. */
function writeContext(w: ProtoWriter, ctx: SpanContext): void {
  writeId(w, 1, ctx.traceId, TRACE_ID_LENGTH, 'trace id');
  writeId(w, 2, ctx.spanId, SPAN_ID_LENGTH, 'span id');
  const traceState = ctx.traceState?.serialize();
  if (traceState) {
    w.tag(3, 2);
    w.string(traceState);
  }
}

const TRACE_ID_LENGTH = 32;
const SPAN_ID_LENGTH = 16;

/**
 * An id as `bytes` under `field`. The collector refuses a whole request in which any id is neither
 * empty nor 16 (trace) or 8 (span) bytes ("invalid length for SpanID"), so a span with such an id
 * (a custom IdGenerator's, a link's) is refused here instead: counted and reported by the queue,
 * and the rest of the request goes out. Upstream's exporter sends it, and the request is lost.
 */
function writeId(w: ProtoWriter, field: number, id: string, length: number, what: string): void {
  if (id.length !== length && id.length !== 0) {
    throw new Error(
      `its ${what} "${shortened(id)}" is not ${length} hex digits; the collector would refuse the request`,
    );
  }
  w.tag(field, 2);
  w.hexBytes(id);
}

/** Both ids of the right length, or empty (which the collector takes): see {@link writeId}. */
function idsFit(ctx: SpanContext): boolean {
  const trace = ctx.traceId.length;
  const span = ctx.spanId.length;
  return (trace === TRACE_ID_LENGTH || trace === 0) && (span === SPAN_ID_LENGTH || span === 0);
}

/**
 * A link whose ids the collector could not decode (a context read from a message header, say)
 * would cost its whole request; the span goes out without it, counted in `dropped_links_count`,
 * and the first such link is said once. Returns 1, the count to add.
 */
function droppedLink(span: ReadableSpan, ctx: SpanContext): number {
  const bad = ctx.traceId.length === TRACE_ID_LENGTH || ctx.traceId.length === 0 ? 'span' : 'trace';
  const id = bad === 'trace' ? ctx.traceId : ctx.spanId;
  const length = bad === 'trace' ? TRACE_ID_LENGTH : SPAN_ID_LENGTH;
  log.warnOnce(
    'otlp-bad-link-id',
    `span ${JSON.stringify(shortened(span.name))}: a link was dropped (counted in its dropped_links_count), its ${bad} id ` +
      `${JSON.stringify(shortened(id))} is not ${length} hex digits and the collector would refuse the request; ` +
      'further links like it are dropped without a word',
  );
  return 1;
}

function shortened(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | SPAN_FLAGS_HAS_IS_REMOTE | (isRemote ? SPAN_FLAGS_IS_REMOTE : 0);
}

function writeEvent(w: ProtoWriter, event: TimedEvent): void {
  w.tag(11, 2);
  const at = w.startLength();
  w.tag(1, 1);
  writeHrTime(w, event.time);
  w.tag(2, 2);
  w.string(event.name);
  if (event.attributes) writeAttributes(w, event.attributes, 3);
  w.tag(4, 0);
  w.varint(event.droppedAttributesCount || 0);
  w.finishLength(at);
}

function writeLink(w: ProtoWriter, link: Link): void {
  w.tag(13, 2);
  const at = w.startLength();
  const ctx: SpanContext = link.context;
  writeContext(w, ctx);
  if (link.attributes) writeAttributes(w, link.attributes, 4);
  w.tag(5, 0);
  w.varint(link.droppedAttributesCount || 0);
  w.tag(6, 5);
  w.fixed32(spanFlags(ctx.traceFlags, ctx.isRemote));
  w.finishLength(at);
}

/**
 * Nanoseconds since the epoch as fixed64, exact beyond 2^53: seconds are split at 16 bits so
 * every product stays a safe integer (upstream's writeHrTimeAsFixed64, same arithmetic).
 */
function writeHrTime(w: ProtoWriter, time: HrTime): void {
  const seconds = time[0];
  const nanos = time[1];
  const lowPart = (seconds & 0xffff) * 1e9;
  const highPart = ((seconds / 0x10000) >>> 0) * 1e9;
  const low = (lowPart >>> 0) + ((((highPart & 0xffff) * 0x10000) >>> 0) + nanos);
  const high =
    Math.floor(lowPart / 0x100000000) + ((highPart / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
  w.fixed64(low >>> 0, high >>> 0);
}

// Attribute keys repeat on every span (`http.request.method`, `url.path`...): their encoded
// `KeyValue.key` field is kept, bounded, instead of re-encoding the string each time.
const MAX_CACHED_KEYS = 2048;
const MAX_CACHED_KEY_LENGTH = 128;
const keyBytes = new KeyCache<Uint8Array>(MAX_CACHED_KEYS);

/**
 * The last key met at each position of an attributes object, and its bytes: spans of one kind set
 * the same keys in the same order, so most keys are found here by one comparison of interned
 * strings, before the cache's map lookup.
 */
const POSITIONS = 32;
const lastKeys: (string | undefined)[] = new Array(POSITIONS).fill(undefined);
const lastBytes: (Uint8Array | undefined)[] = new Array(POSITIONS).fill(undefined);
const keyWriter = new ProtoWriter(256);

/** The encoded `KeyValue.key` field of `key`, met at `position`; `undefined` for a key too long to cache. */
function keyField(key: string, position: number): Uint8Array | undefined {
  if (position < POSITIONS && lastKeys[position] === key) return lastBytes[position];
  if (key.length > MAX_CACHED_KEY_LENGTH) return undefined;
  let bytes = keyBytes.get(key);
  if (bytes === undefined) {
    keyWriter.reset();
    keyWriter.tag(1, 2);
    keyWriter.string(key);
    bytes = Uint8Array.prototype.slice.call(keyWriter.buf, 0, keyWriter.pos);
    keyBytes.set(key, bytes);
  }
  if (position < POSITIONS) {
    lastKeys[position] = key;
    lastBytes[position] = bytes;
  }
  return bytes;
}

/** Repeated `KeyValue` under `field`, in the object's own key order (Object.keys = for-in order for own keys). */
export function writeAttributes(w: ProtoWriter, attributes: Attributes, field: number): void {
  const keys = Object.keys(attributes);
  // Fields below 16 (all these messages use) have one-byte tags: the one-pass path writes them.
  const tag = (field << 3) | 2;
  const onePass = field < 16;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = attributes[key];
    const encodedKey = keyField(key, i);
    if (onePass && encodedKey !== undefined) {
      if (typeof value === 'string') {
        if (w.shortStringEntry(tag, encodedKey, value)) continue;
      } else if (typeof value === 'number' && w.shortUintEntry(tag, encodedKey, value)) {
        continue;
      }
    }
    w.tag(field, 2);
    const kv = w.startLength();
    if (encodedKey !== undefined) {
      w.raw(encodedKey);
    } else {
      w.tag(1, 2);
      w.string(key);
    }
    w.tag(2, 2);
    const at = w.startLength();
    writeAnyValue(w, value);
    w.finishLength(at);
    w.finishLength(kv);
  }
}

function writeAnyValue(w: ProtoWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.tag(1, 2);
      w.string(value);
      return;
    case 'boolean':
      w.tag(2, 0);
      w.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.tag(3, 0);
        w.varint(value);
      } else {
        w.tag(4, 1);
        w.double(value);
      }
      return;
  }
  if (value instanceof Uint8Array) {
    w.tag(7, 2);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.tag(5, 2);
    const array = w.startLength();
    for (const item of value) {
      w.tag(1, 2);
      const at = w.startLength();
      writeAnyValue(w, item);
      w.finishLength(at);
    }
    w.finishLength(array);
  } else if (typeof value === 'object' && value !== null) {
    w.tag(6, 2);
    const list = w.startLength();
    writeAttributes(w, value as Attributes, 1);
    w.finishLength(list);
  }
  // undefined, null, functions, symbols, bigint: an empty AnyValue, as upstream.
}

/** `ScopeSpans.scope` (tag 1): the InstrumentationScope message. */
export function writeScope(
  w: ProtoWriter,
  scope: InstrumentationScope & { attributes?: Attributes; droppedAttributesCount?: number },
): void {
  w.tag(1, 2);
  const at = w.startLength();
  w.tag(1, 2);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, 2);
    w.string(scope.version);
  }
  if (scope.attributes) writeAttributes(w, scope.attributes, 3);
  if (scope.droppedAttributesCount) {
    w.tag(4, 0);
    w.varint(scope.droppedAttributesCount);
  }
  w.finishLength(at);
}

/** `ResourceSpans.resource` (tag 1): the Resource message. Its async attributes must have settled. */
export function writeResource(w: ProtoWriter, resource: Resource): void {
  w.tag(1, 2);
  const at = w.startLength();
  if (resource.attributes) writeAttributes(w, resource.attributes, 1);
  w.tag(2, 0);
  w.varint(0);
  w.finishLength(at);
}
