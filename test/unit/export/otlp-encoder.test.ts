import {
  type Attributes,
  type AttributeValue,
  context,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodedSpanQueue } from '../../../src/export/otlp/encoded-queue.js';
import { buildTraceRequest, traceRequestChunks } from '../../../src/export/otlp/request.js';

// Our OTLP encoding (spans encoded one by one as they end, concatenated per request) must produce
// exactly the bytes upstream's serializer produces for the same spans: same fields, same order,
// same grouping by resource and scope. Byte equality is stronger than decoding both and comparing.

function provider(resourceAttributes: Attributes = { 'service.name': 'encoder-test' }) {
  const memory = new InMemorySpanExporter();
  const p = new BasicTracerProvider({
    resource: resourceFromAttributes(resourceAttributes),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  return { p, memory };
}

function upstream(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array());
}

function viaQueue(spans: ReadableSpan[], take = spans.length): Buffer[] {
  const queue = new EncodedSpanQueue(spans.length + 1);
  for (const s of spans) expect(queue.push(s)).toBe(true);
  const out: Buffer[] = [];
  while (queue.size > 0) out.push(Buffer.from(buildTraceRequest(queue.take(take))));
  return out;
}

/** Spans with every field the encoder writes. */
function richSpans(): ReadableSpan[] {
  const { p, memory } = provider({
    'service.name': 'encoder-test',
    'service.version': '1.2.3',
    'host.cpus': 2,
  });
  const other = provider({ 'service.name': 'second-resource', ünïcode: 'ü→✓' });
  const tracer = p.getTracer('scope-a', '1.0.0');
  const tracerB = p.getTracer('scope-b');
  const remote = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=a,other=b'),
  });
  const attrs: Attributes = {
    str: 'value',
    empty: '',
    unicode: 'héllo wörld ✓ 🎉',
    lone: 'bad \ud800 surrogate',
    int: 42,
    zero: 0,
    negative: -7,
    bigInt: 2 ** 40 + 3,
    hugeInt: 2 ** 62,
    double: 2.71,
    nan: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    bool: true,
    falsy: false,
    strings: ['a', 'b', ''],
    numbers: [1, 2.5, -3],
    bools: [true, false],
    sparse: ['x', null, undefined] as unknown as AttributeValue,
    long: 'x'.repeat(300),
  };
  const s1 = tracer.startSpan('server', { kind: SpanKind.SERVER, attributes: attrs }, remote);
  s1.addEvent('event-one', { key: 'v', n: 1 });
  s1.addEvent('bare');
  s1.recordException(new Error('boom'));
  s1.setStatus({ code: SpanStatusCode.ERROR, message: 'it failed ✗' });
  s1.end();
  const s2 = tracerB.startSpan('linked', {
    kind: SpanKind.CONSUMER,
    links: [
      { context: s1.spanContext(), attributes: { 'link.attr': 'yes' } },
      {
        context: {
          traceId: 'a'.repeat(32),
          spanId: 'b'.repeat(16),
          traceFlags: 0,
          isRemote: true,
          traceState: new TraceState('k=v'),
        },
      },
    ],
  });
  s2.setStatus({ code: SpanStatusCode.OK });
  s2.end();
  const s3 = tracer.startSpan('internal child', {}, trace.setSpan(context.active(), s1));
  s3.end([1_700_000_000, 123_456_789]);
  const s4 = other.p.getTracer('scope-a', '1.0.0').startSpan('other resource', { kind: SpanKind.CLIENT });
  s4.end();
  const s5 = tracerB.startSpan('b again', { kind: SpanKind.PRODUCER });
  s5.end();
  return [...memory.getFinishedSpans(), ...other.memory.getFinishedSpans()].sort(
    (a, b) => a.endTime[0] - b.endTime[0] || a.endTime[1] - b.endTime[1],
  );
}

describe('OTLP encoder (encode at end, concatenate per request)', () => {
  it('produces the same bytes as upstream for every span field, two resources and three scopes', () => {
    const spans = richSpans();
    expect(spans.length).toBe(5);
    const expected = upstream(spans);
    expect(Buffer.from(buildTraceRequest(spans)).equals(expected)).toBe(true);
    const [viaQ] = viaQueue(spans);
    expect(viaQ?.equals(expected)).toBe(true);
  });

  it('splits a batch into requests that each equal upstream for the same spans', () => {
    const spans = richSpans();
    const requests = viaQueue(spans, 2);
    expect(requests).toHaveLength(3);
    for (let i = 0; i < requests.length; i++) {
      expect(requests[i]?.equals(upstream(spans.slice(i * 2, i * 2 + 2)))).toBe(true);
    }
  });

  it('copies spans out of the queue: later pushes never change an earlier request', () => {
    const spans = richSpans();
    const queue = new EncodedSpanQueue(2);
    queue.push(spans[0]!);
    const first = queue.take(1);
    for (const s of spans) queue.push(s) || queue.take(1);
    expect(Buffer.from(buildTraceRequest(first)).equals(upstream([spans[0]!]))).toBe(true);
  });

  it('refuses a push when full, like the span queue', () => {
    const spans = richSpans();
    const queue = new EncodedSpanQueue(2);
    expect(queue.push(spans[0]!)).toBe(true);
    expect(queue.push(spans[1]!)).toBe(true);
    expect(queue.push(spans[2]!)).toBe(false);
    expect(queue.take(10).length).toBe(2);
  });

  it('a span the encoder cannot walk is reported, not queued, and the queue goes on', () => {
    const { p, memory } = provider();
    const badState = {
      serialize: () => {
        throw new Error('tracestate exploded');
      },
    } as unknown as TraceState;
    const parent = trace.setSpanContext(context.active(), {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
      traceState: badState,
    });
    p.getTracer('t').startSpan('bad', {}, parent).end();
    p.getTracer('t').startSpan('good').end();
    const reported: string[] = [];
    const queue = new EncodedSpanQueue(4, (span, error) =>
      reported.push(`${span.name}: ${(error as Error).message}`),
    );
    for (const span of memory.getFinishedSpans()) expect(queue.push(span)).toBe(true);
    expect(reported).toEqual(['bad: tracestate exploded']);
    expect(queue.size).toBe(1);
    const good = memory.getFinishedSpans().filter((s) => s.name === 'good');
    expect(Buffer.from(buildTraceRequest(queue.take(4))).equals(upstream(good))).toBe(true);
  });

  it('a span with an id of the wrong length is reported, not queued: the rest of its request goes out', () => {
    // The collector refuses a whole request with such an id ("invalid length for SpanID"), which
    // upstream's exporter sends as it is. An odd length also made our hex loop write one byte more
    // than the id's declared length.
    const { p, memory } = provider();
    const withIds = (traceId: string, spanId: string) =>
      new BasicTracerProvider({
        idGenerator: { generateTraceId: () => traceId, generateSpanId: () => spanId },
        spanProcessors: [new SimpleSpanProcessor(memory)],
      }).getTracer('ids');
    const good = 'a'.repeat(32);
    withIds(good, 'b7ad6b716920333').startSpan('odd span id').end();
    withIds(`${good}00`, 'b'.repeat(16)).startSpan('long trace id').end();
    p.getTracer('t').startSpan('good').end();
    const reported: string[] = [];
    const queue = new EncodedSpanQueue(8, (span, error) =>
      reported.push(`${span.name}: ${(error as Error).message}`),
    );
    for (const span of memory.getFinishedSpans()) expect(queue.push(span)).toBe(true);
    expect(reported).toEqual([
      'odd span id: its span id "b7ad6b716920333" is not 16 hex digits; the collector would refuse the request',
      `long trace id: its trace id "${good}00" is not 32 hex digits; the collector would refuse the request`,
    ]);
    const kept = memory.getFinishedSpans().filter((s) => s.name === 'good');
    expect(Buffer.from(buildTraceRequest(queue.take(8))).equals(upstream(kept))).toBe(true);
  });

  it('a link with an id of the wrong length is dropped and counted; its span goes out with the good links', () => {
    // A link to a context read from elsewhere (a message header) with a 30-digit trace id made the
    // whole span unexportable; the span is kept, without that link, as if the SDK had dropped it.
    const { p, memory } = provider();
    const parent = trace.setSpanContext(context.active(), {
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      traceFlags: TraceFlags.SAMPLED,
    });
    const goodLink = {
      context: { traceId: 'e'.repeat(32), spanId: 'f'.repeat(16), traceFlags: 1 },
      attributes: { kept: true },
    };
    const links = [
      { context: { traceId: 'c'.repeat(30), spanId: 'd'.repeat(16), traceFlags: 1 } },
      goodLink,
      { context: { traceId: 'e'.repeat(32), spanId: 'd'.repeat(15), traceFlags: 1 } },
      { context: { traceId: 'e'.repeat(32), spanId: '', traceFlags: 0 } },
    ];
    p.getTracer('t').startSpan('bad links', { links }, parent).end();
    const reported: unknown[] = [];
    const queue = new EncodedSpanQueue(4, (_span, error) => reported.push(error));
    const [span] = memory.getFinishedSpans();
    expect(queue.push(span!)).toBe(true);
    expect(reported).toEqual([]);
    // What upstream would send had the SDK dropped the two bad links (an empty id is decodable).
    const s = span!;
    const expected: ReadableSpan = {
      name: s.name,
      kind: s.kind,
      spanContext: () => s.spanContext(),
      parentSpanContext: s.parentSpanContext!,
      startTime: s.startTime,
      endTime: s.endTime,
      duration: s.duration,
      ended: s.ended,
      status: s.status,
      attributes: s.attributes,
      events: s.events,
      resource: s.resource,
      instrumentationScope: s.instrumentationScope,
      droppedAttributesCount: s.droppedAttributesCount,
      droppedEventsCount: s.droppedEventsCount,
      links: [goodLink, links[3]!],
      droppedLinksCount: 2,
    };
    expect(Buffer.from(buildTraceRequest(queue.take(4))).equals(upstream([expected]))).toBe(true);
  });

  it('spans larger than a 64 KB slab', () => {
    const { p, memory } = provider();
    const span = p
      .getTracer('big')
      .startSpan('big', { attributes: { blob: 'y'.repeat(200_000), more: 'z'.repeat(70_000) } });
    span.end();
    const spans = memory.getFinishedSpans();
    expect(viaQueue(spans)[0]?.equals(upstream(spans))).toBe(true);
  });

  it('a span larger than what its slab has left gets a buffer of its own; the next spans fill the slab', () => {
    // The grown buffer used to become the slab: it then grew again with every large span, each
    // growth copying all the spans before it (spans of 650 KB: up to 20 ms in span.end()).
    const { p, memory } = provider();
    const tracer = p.getTracer('t');
    tracer.startSpan('small-1').end();
    tracer.startSpan('big-1', { attributes: { blob: 'y'.repeat(100_000) } }).end();
    tracer.startSpan('small-2').end();
    tracer.startSpan('big-2', { attributes: { blob: 'z'.repeat(300_000) } }).end();
    tracer.startSpan('small-3').end();
    const spans = memory.getFinishedSpans();
    const queue = new EncodedSpanQueue(8);
    for (const s of spans) queue.push(s);
    const taken = queue.take(8);
    const [small1, big1, small2, big2, small3] = taken.slabs;
    // Identity, as booleans: a failing toBe() would print the buffers.
    expect([small2 === small1, small3 === small1, big1 === small1, big2 === big1]).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(big2!.length).toBeLessThan(2 * (64 * 1024 + 300_100));
    expect(Buffer.from(buildTraceRequest(taken)).equals(upstream(spans))).toBe(true);
  });

  it('as views of the slabs, the encoded envelopes and one small header buffer (what our gRPC transport sends), the same bytes', () => {
    const { p, memory } = provider();
    const tracer = p.getTracer('chunks');
    tracer.startSpan('big', { attributes: { blob: 'y'.repeat(200_000) } }).end();
    for (let i = 0; i < 300; i++) tracer.startSpan(`small-${i}`, { attributes: { i } }).end();
    const spans = [...richSpans(), ...memory.getFinishedSpans()];
    const queue = new EncodedSpanQueue(spans.length);
    for (const s of spans) queue.push(s);
    const batch = queue.take(spans.length);
    const chunks = traceRequestChunks(batch);
    expect(chunks.length).toBeGreaterThan(3);
    // Span bytes are not copied: every chunk but the envelopes' is a view of a slab the spans
    // were encoded into. The field headers share one small buffer (the first chunk's); the
    // resource and scopes are the bytes they were encoded into, each whole (request-envelope.test.ts).
    const slabMemory = new Set(batch.slabs.map((slab) => slab.buffer));
    const envelopes = chunks.filter((chunk) => !slabMemory.has(chunk.buffer as ArrayBuffer));
    const headers = envelopes.filter((chunk) => chunk.buffer === chunks[0]!.buffer);
    expect(headers.reduce((n, chunk) => n + chunk.length, 0)).toBeLessThan(100);
    for (const chunk of envelopes)
      if (chunk.buffer !== chunks[0]!.buffer) expect(chunk.length).toBe(chunk.buffer.byteLength);
    expect(envelopes.reduce((n, chunk) => n + chunk.length, 0)).toBeLessThan(2_000);
    expect(chunks.length - envelopes.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(upstream(spans))).toBe(true);
    // Memoized for a retried export, and the single-buffer form agrees.
    expect(traceRequestChunks(batch)).toBe(chunks);
    expect(Buffer.from(buildTraceRequest(batch)).equals(Buffer.concat(chunks))).toBe(true);
    expect(traceRequestChunks(new EncodedSpanQueue(1).take(0)).map((c) => c.length)).toEqual([0]);
    // Request bytes handed over whole (worker threads' spans, exit/thread-inbox.ts) go as they are.
    const handed = new EncodedSpanQueue(1).take(0);
    handed.request = Buffer.from(upstream(spans));
    expect(traceRequestChunks(handed)).toEqual([handed.request]);
  });

  it('matches upstream for random attributes, events, names and statuses (property)', () => {
    const { p, memory } = provider();
    const scalar = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.maxSafeInteger(),
    );
    const value = fc.oneof(
      scalar,
      fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
      fc.array(fc.double(), { maxLength: 4 }),
      fc.array(fc.boolean(), { maxLength: 4 }),
    );
    const attributes = fc.dictionary(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), value, {
      maxKeys: 8,
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string({ unit: 'binary', maxLength: 30 }),
            scope: fc.constantFrom('a', 'b', 'c'),
            kind: fc.constantFrom(...[0, 1, 2, 3, 4]),
            attributes,
            events: fc.array(fc.record({ name: fc.string({ maxLength: 10 }), attributes }), { maxLength: 3 }),
            status: fc.constantFrom(0, 1, 2),
            message: fc.string({ unit: 'binary', maxLength: 20 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        (specs) => {
          memory.reset();
          for (const spec of specs) {
            const span = p
              .getTracer(spec.scope)
              .startSpan(spec.name, { kind: spec.kind, attributes: spec.attributes });
            for (const e of spec.events) span.addEvent(e.name, e.attributes);
            span.setStatus({ code: spec.status, ...(spec.status === 2 ? { message: spec.message } : {}) });
            span.end();
          }
          const spans = memory.getFinishedSpans();
          const expected = upstream(spans);
          expect(Buffer.from(buildTraceRequest(spans)).equals(expected)).toBe(true);
          expect(viaQueue(spans)[0]?.equals(expected)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches upstream at the edges of the one-pass attribute path and of the id decoding', () => {
    const { p, memory } = provider();
    const tracer = p.getTracer('edges');
    // A KeyValue takes the one-pass path while it fits one-byte lengths (127 bytes), its string is
    // ASCII and its integer is from 0 to 2^32 - 1: lengths on both sides of that, non-ASCII at the
    // start and end, every integer class, keys too long to cache, more keys than positions cached,
    // and the same keys in another order (the positional cache misses).
    const key = 'k'.repeat(20);
    const attributes: Attributes = {};
    for (let len = 95; len <= 110; len++)
      attributes[`${key}${String(len).padStart(3, '0')}`] = 'v'.repeat(len);
    attributes.nonAsciiStart = `é${'a'.repeat(50)}`;
    attributes.nonAsciiEnd = `${'a'.repeat(50)}✓`;
    attributes.loneSurrogate = `${'a'.repeat(10)}\ud800`;
    for (const n of [
      0,
      -0,
      1,
      127,
      128,
      16383,
      16384,
      2 ** 31,
      2 ** 32 - 1,
      2 ** 32,
      -1,
      1.5,
      2 ** 53,
      Number.NaN,
    ]) {
      attributes[`int ${String(n)}${Object.is(n, -0) ? ' negative zero' : ''}`] = n;
    }
    attributes['x'.repeat(129)] = 'long key';
    attributes['y'.repeat(120)] = 'key that fits the cache, entry too long for one byte';
    attributes.ключ = 'non-ASCII key';
    const reversed = Object.fromEntries(Object.entries(attributes).reverse());
    tracer.startSpan('edges', { attributes }).end();
    tracer.startSpan('reversed', { attributes: reversed }).end();
    tracer.startSpan('again', { attributes }).end();
    // Ids as a custom generator may make them: upper case, characters that are not hex, ASCII or
    // not (upstream's hexToBinary maps each pair to a byte all the same).
    const withIds = (traceId: string, spanId: string) =>
      new BasicTracerProvider({
        idGenerator: { generateTraceId: () => traceId, generateSpanId: () => spanId },
        spanProcessors: [new SimpleSpanProcessor(memory)],
      }).getTracer('edges');
    withIds('0AF7651916CD43DD8448EB211C80319C', 'b7ad6b716920Zé3\u0101').startSpan('odd ids').end();
    const spans = memory.getFinishedSpans();
    const expected = upstream(spans);
    expect(Buffer.from(buildTraceRequest(spans)).equals(expected)).toBe(true);
    expect(viaQueue(spans)[0]?.equals(expected)).toBe(true);
  });
});
