import { Metadata } from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  extractContext,
  getBaggage,
  injectContext,
  setBaggage,
  withExtractedContext,
  withSpan,
} from '../../../src/context/index.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { createPropagator } from '../../../src/propagation/index.js';
import type { TestTracing } from '../../../src/testing/index.js';
import { resetTracing, setupTestTracing } from '../../../src/testing/index.js';
import { revokedProxy, throwingGetter } from '../../support/hostile.js';

let tracing: TestTracing;
beforeEach(() => {
  resetTracing();
  tracing = setupTestTracing();
});
afterEach(() => tracing.shutdown());

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('injectContext / extractContext', () => {
  it('injects the active span into a new or given carrier', () => {
    withSpan('publish', (span) => {
      const fresh = injectContext();
      expect(fresh.traceparent).toMatch(TRACEPARENT);
      expect(fresh.traceparent).toContain(span.spanContext().spanId);
      const headers = { 'content-type': 'application/json' };
      expect(injectContext(headers)).toBe(headers);
      expect(headers).toMatchObject({ 'content-type': 'application/json', traceparent: fresh.traceparent });
    });
  });

  it('injects nothing outside a span, and an explicit context when given', () => {
    expect(injectContext()).toEqual({});
    const ctx = withSpan('captured', () => context.active());
    expect(injectContext({}, ctx).traceparent).toContain(tracing.findSpan('captured')?.spanContext().spanId);
  });

  // Each threw into the caller: a message whose headers are null (`Cannot read properties of
  // null (reading 'forEach')`), a carrier whose reads throw (the carrier's own error).
  it('never throws: a null carrier gets a new object, one that cannot be written is returned as it is, said once', () => {
    const lines: string[] = [];
    setLogSink((_level, line) => lines.push(line));
    try {
      withSpan('publish', (span) => {
        const fresh = injectContext(null as unknown as Record<string, string>);
        expect(fresh.traceparent).toContain(span.spanContext().spanId);
        // A carrier whose reads throw (here a revoked proxy; a getter that throws alike).
        const { proxy: revoked, revoke } = Proxy.revocable({}, {});
        revoke();
        expect(injectContext(revoked)).toBe(revoked);
        expect(injectContext(revoked)).toBe(revoked);
        expect(extractContext(revoked)).toBe(ROOT_CONTEXT);
        expect(injectContext('text' as unknown as Record<string, string>)).toBe('text');
      });
      expect(lines).toEqual([
        "[@acme/otel] injectContext: the trace headers could not be written into the carrier (Cannot perform 'IsArray' on a proxy that has been revoked); it is returned without them",
        '[@acme/otel] injectContext: the trace headers could not be written into the carrier (string is not a carrier object); it is returned without them',
      ]);
    } finally {
      resetLogger();
    }
  });

  it('round-trips span and baggage', () => {
    const carrier = withSpan('producer', () =>
      context.with(setBaggage({ 'tenant.id': 'acme co' }), () => injectContext()),
    );
    expect(carrier.baggage).toBe('tenant.id=acme%20co');
    const extracted = extractContext(carrier);
    expect(trace.getSpanContext(extracted)).toMatchObject({
      spanId: tracing.findSpan('producer')?.spanContext().spanId,
      isRemote: true,
    });
    expect(getBaggage('tenant.id', extracted)).toBe('acme co');
  });

  it('reads Buffer values, arrays and differently-cased keys', () => {
    const carrier = withSpan('producer', () => injectContext());
    const producer = tracing.expectSpan('producer').spanContext();
    for (const variant of [
      { traceparent: Buffer.from(carrier.traceparent!) },
      { Traceparent: carrier.traceparent },
      { traceparent: [carrier.traceparent] },
    ]) {
      expect(trace.getSpanContext(extractContext(variant))?.spanId).toBe(producer.spanId);
    }
  });

  it('a message with many headers: its keys are listed once per extraction, not once per header asked for', () => {
    // Every case-insensitive miss (B3's headers, tracestate: ten or so per extraction) listed and
    // lower-cased every key: 50,000 headers cost ~350 ms of CPU per message.
    const carrier = withSpan('producer', () => injectContext());
    const producer = tracing.expectSpan('producer').spanContext();
    const headers: Record<string, unknown> = {};
    for (let i = 0; i < 50_000; i++) headers[`X-Header-${i}`] = 'v';
    headers.TRACEPARENT = carrier.traceparent;
    let listed = 0;
    const counting = new Proxy(headers, {
      ownKeys(target) {
        listed++;
        return Reflect.ownKeys(target);
      },
    });
    expect(trace.getSpanContext(extractContext(counting))?.spanId).toBe(producer.spanId);
    expect(listed).toBe(1);
    // initTracing()'s propagators each listed the keys once more after a miss.
    propagation.disable();
    propagation.setGlobalPropagator(createPropagator(['tracecontext', 'baggage', 'b3multi']));
    listed = 0;
    expect(trace.getSpanContext(extractContext(counting))?.spanId).toBe(producer.spanId);
    expect(listed).toBe(1);
    // Two spellings of one header are a repeated header, as the propagators' own scan had them.
    const twice = { Traceparent: carrier.traceparent, TRACEPARENT: carrier.traceparent };
    expect(trace.getSpanContext(extractContext(twice))).toBeUndefined();
  });

  it('extracts from an empty context: no trace headers means a new trace, not the ambient span', () => {
    withSpan('ambient', () => {
      const extracted = extractContext({});
      expect(trace.getSpanContext(extracted)).toBeUndefined();
      expect(extracted).toBe(ROOT_CONTEXT);
      expect(trace.getSpanContext(extractContext({}, context.active()))).toBeDefined();
    });
    expect(extractContext(undefined)).toBe(ROOT_CONTEXT);
  });

  it('uses the global propagator (here: none registered -> nothing injected)', () => {
    propagation.disable();
    expect(withSpan('x', () => injectContext())).toEqual({});
  });
});

describe('node-rdkafka header lists', () => {
  // node-rdkafka delivers and sends headers as `[{ key: Buffer | string }, …]`: extracted as an
  // object whose keys are `0`, `1`…, every Kafka message started a new trace; injected, the
  // traceparent became a property of the array, which rdkafka never sends.
  it('extracts from a list of single-key objects, Buffer or string values', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const headers = [
      { 'x-app': Buffer.from('orders') },
      { traceparent: Buffer.from(traceparent) },
      { baggage: 'tenant=acme' },
    ];
    const ctx = extractContext(headers);
    expect(trace.getSpanContext(ctx)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    expect(getBaggage('tenant', ctx)).toBe('acme');
    withExtractedContext(headers, 'orders process', () => undefined);
    expect(tracing.expectSpan('orders process').parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('injects as appended single-key objects, replacing an older one, and round-trips', () => {
    // W3C only: the kit's default propagators (initTracing's) append the B3 multi headers too.
    tracing = setupTestTracing({ propagators: ['tracecontext', 'baggage'] });
    const headers: Record<string, unknown>[] = [
      { 'x-app': 'orders' },
      { traceparent: Buffer.from('00-old') },
    ];
    const span = withSpan('publish', (s) => {
      injectContext(headers);
      return s.spanContext();
    });
    expect(Object.keys(headers)).toEqual(['0', '1']);
    expect(headers).toEqual([{ 'x-app': 'orders' }, { traceparent: `00-${span.traceId}-${span.spanId}-01` }]);
    expect(trace.getSpanContext(extractContext(headers))?.spanId).toBe(span.spanId);
  });
});

describe('SQS and SNS message attributes', () => {
  // withExtractedContext(message.MessageAttributes, …) of an SQS message found objects, not
  // strings, and every message started a new trace.
  it('reads the string value of SQS attributes and of SNS ones delivered through SQS', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const sqs = {
      traceparent: { DataType: 'String', StringValue: traceparent },
      baggage: { DataType: 'String', StringValue: 'tenant=acme' },
    };
    expect(trace.getSpanContext(extractContext(sqs))?.spanId).toBe('00f067aa0ba902b7');
    expect(getBaggage('tenant', extractContext(sqs))).toBe('acme');
    const sns = { traceparent: { Type: 'String', Value: traceparent } };
    expect(trace.getSpanContext(extractContext(sns))?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace.getSpanContext(extractContext({ traceparent: { Value: traceparent } }))).toBeUndefined();
  });
});

describe('Fetch Headers and Map carriers', () => {
  // Their entries are not properties: extractContext(request.headers) of a Fetch Request started a
  // new trace, and injectContext(new Headers()) set a property that fetch never sends.
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it("extracts from a Fetch Request's Headers and from a Map (Buffer values too)", () => {
    const request = new Request('http://orders.internal/', {
      headers: { Traceparent: traceparent, baggage: 'tenant=acme' },
    });
    const fromHeaders = extractContext(request.headers);
    expect(trace.getSpanContext(fromHeaders)?.spanId).toBe('00f067aa0ba902b7');
    expect(getBaggage('tenant', fromHeaders)).toBe('acme');
    const fromMap = extractContext(new Map<string, unknown>([['traceparent', Buffer.from(traceparent)]]));
    expect(trace.getSpanContext(fromMap)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('injects with their set(), and round-trips', () => {
    const headers = new Headers({ 'content-type': 'application/json' });
    const map = new Map<string, string>();
    const span = withSpan('publish', (s) => {
      expect(injectContext(headers)).toBe(headers);
      injectContext(map);
      return s.spanContext();
    });
    expect(headers.get('traceparent')).toBe(`00-${span.traceId}-${span.spanId}-01`);
    expect(map.get('traceparent')).toBe(`00-${span.traceId}-${span.spanId}-01`);
    expect(Object.keys(headers)).toEqual([]);
    expect(trace.getSpanContext(extractContext(headers))?.spanId).toBe(span.spanId);
  });
});

describe('gRPC Metadata carriers', () => {
  // `@grpc/grpc-js`'s Metadata keeps its entries in an internal map and has no forEach:
  // injectContext(metadata) set a property gRPC never sends, and extractContext(call.metadata)
  // found no header and started a new trace.
  it('injects with its set(), extracts from its entries, and round-trips', () => {
    const metadata = new Metadata();
    metadata.set('x-tenant', 'acme');
    const span = withSpan('rpc call', (s) =>
      context.with(setBaggage({ tier: 'gold' }), () => {
        expect(injectContext(metadata)).toBe(metadata);
        return s.spanContext();
      }),
    );
    expect(metadata.get('traceparent')).toEqual([`00-${span.traceId}-${span.spanId}-01`]);
    expect(metadata.get('baggage')).toEqual(['tier=gold']);
    expect(Object.keys(metadata)).not.toContain('traceparent');
    const extracted = extractContext(metadata);
    expect(trace.getSpanContext(extracted)?.spanId).toBe(span.spanId);
    expect(getBaggage('tier', extracted)).toBe('gold');
  });

  it('extracts what a client sent, as a server call metadata holds it', () => {
    const metadata = Metadata.fromHttp2Headers({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'content-type': 'application/grpc',
    });
    expect(trace.getSpanContext(extractContext(metadata))?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('withExtractedContext', () => {
  it('starts a CONSUMER span whose parent is the remote producer span, with the carrier baggage', async () => {
    const headers = withSpan(
      'orders publish',
      () => context.with(setBaggage({ tier: 'gold' }), () => injectContext()),
      {
        kind: SpanKind.PRODUCER,
      },
    );
    const result = await withExtractedContext(headers, 'orders process', async (span) => {
      expect(trace.getActiveSpan()).toBe(span);
      expect(getBaggage('tier')).toBe('gold');
      return 'ok';
    });
    expect(result).toBe('ok');
    const producer = tracing.expectSpan('orders publish', { kind: 'producer' });
    tracing.expectSpan('orders process', {
      kind: 'consumer',
      parent: producer,
      traceId: producer.spanContext().traceId,
    });
  });

  it('does not attach to the ambient span when the message has no context', () => {
    withSpan('poll loop', () => withExtractedContext({}, 'orders process', () => undefined));
    tracing.expectSpan('orders process', { parent: null });
  });

  it('relation "link" starts a new trace linked to the producer; options pass through', () => {
    const headers = withSpan('batch publish', () => injectContext());
    expect(() =>
      withExtractedContext(
        headers,
        'batch process',
        () => {
          throw new Error('poison message');
        },
        { relation: 'link', kind: SpanKind.INTERNAL, attributes: { 'messaging.batch.message_count': 1 } },
      ),
    ).toThrow('poison message');
    const producer = tracing.expectSpan('batch publish');
    tracing.expectSpan('batch process', {
      parent: null,
      linkedTo: producer,
      kind: 'internal',
      attributes: { 'messaging.batch.message_count': 1 },
      status: { code: 'error', message: 'poison message' },
    });
  });
});

// withSpan starts its span without options it cannot read (a throwing getter, a Proxy, links that
// are no list) and runs the work; withExtractedContext read them itself first, and threw the
// getter's error, or a TypeError of ours (`(spanOptions.links ?? []) is not iterable`), before
// the work ran.
describe('withExtractedContext with options it cannot use', () => {
  const rows: [string, unknown][] = [
    ['a revoked Proxy', revokedProxy()],
    ['a getter that throws', throwingGetter({}, 'attributes', 'getter boom')],
    ['links that are no list, with relation "link"', { relation: 'link', links: { not: 'a list' } }],
  ];
  it.each(rows)('%s: the work runs, in a span of the message trace', (_what, options) => {
    setLogSink(() => undefined);
    try {
      const headers = withSpan('orders publish', () => injectContext());
      const result = withExtractedContext(headers, 'orders process', () => 'done', options as never);
      expect(result).toBe('done');
      const producer = tracing.expectSpan('orders publish');
      const consumer = tracing.expectSpan('orders process');
      const parentOrLink =
        consumer.parentSpanContext?.spanId ?? consumer.links[0]?.context.spanId ?? 'neither';
      expect(parentOrLink).toBe(producer.spanContext().spanId);
    } finally {
      resetLogger();
    }
  });
});
