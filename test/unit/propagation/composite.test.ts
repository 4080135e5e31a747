import { propagation, ROOT_CONTEXT, type TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPropagator, DEFAULT_PROPAGATORS } from '../../../src/propagation/create-propagator.js';
import { extract, inject, resetGlobals, spanContextOf, withSpanContext } from './support.js';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const S = '00f067aa0ba902b7';
const T2 = '463ac35c9f6413ad48485a3953bb6124';
const S2 = 'a2fb4a1d1a96d312';

beforeEach(resetGlobals);

/** A neighbour injects with its own propagator; we extract, then inject as the next hop. */
function hop(neighbour: TextMapPropagator, ours: TextMapPropagator) {
  const outgoing = inject(neighbour, withSpanContext({ traceId: T, spanId: S, traceFlags: 1 }));
  const ctx = extract(ours, outgoing);
  return { ctx, next: inject(ours, ctx) };
}

describe('default composite', () => {
  const ours = createPropagator(DEFAULT_PROPAGATORS);

  it('a W3C-only neighbour joins the trace', () => {
    const { ctx, next } = hop(new W3CTraceContextPropagator(), ours);
    expect(spanContextOf(ctx)).toMatchObject({ traceId: T, spanId: S, isRemote: true });
    expect(next).toMatchObject({ traceparent: `00-${T}-${S}-01`, 'x-b3-traceid': T, 'x-b3-sampled': '1' });
  });

  it('a B3 single-header neighbour joins the trace', () => {
    const { ctx } = hop(new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }), ours);
    expect(spanContextOf(ctx)).toMatchObject({ traceId: T, spanId: S });
  });

  it('a B3 multi-header neighbour joins the trace', () => {
    const { ctx, next } = hop(new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }), ours);
    expect(spanContextOf(ctx)).toMatchObject({ traceId: T, spanId: S });
    expect(next.traceparent).toBe(`00-${T}-${S}-01`);
  });

  it('injects tracecontext, baggage and B3 multi', () => {
    const ctx = propagation.setBaggage(
      withSpanContext({ traceId: T, spanId: S }),
      propagation.createBaggage({ k: { value: 'v' } }),
    );
    expect(inject(ours, ctx)).toEqual({
      traceparent: `00-${T}-${S}-01`,
      baggage: 'k=v',
      'x-b3-traceid': T,
      'x-b3-spanid': S,
      'x-b3-sampled': '1',
    });
  });

  it('W3C wins over B3 when both are valid (first in list order), and B3 debug does not leak', () => {
    const ctx = extract(ours, {
      traceparent: `00-${T}-${S}-01`,
      'x-b3-traceid': T2,
      'x-b3-spanid': S2,
      'x-b3-flags': '1',
    });
    expect(spanContextOf(ctx)).toMatchObject({ traceId: T, spanId: S });
    expect(inject(ours, ctx)['x-b3-sampled']).toBe('1');
  });

  it('falls back to B3 when traceparent is invalid', () => {
    const ctx = extract(ours, { traceparent: `00-${T.toUpperCase()}-${S}-01`, b3: `${T2}-${S2}-1` });
    expect(spanContextOf(ctx)).toMatchObject({ traceId: T2, spanId: S2 });
  });

  it('fields are the union', () => {
    expect(ours.fields()).toEqual([
      'traceparent',
      'tracestate',
      'baggage',
      'x-b3-traceid',
      'x-b3-spanid',
      'x-b3-flags',
      'x-b3-sampled',
      'x-b3-parentspanid',
    ]);
  });
});

describe('createPropagator', () => {
  it('b3 injects the single header, b3multi the multi headers', () => {
    const ctx = withSpanContext({ traceId: T, spanId: S });
    expect(inject(createPropagator(['b3']), ctx)).toEqual({ b3: `${T}-${S}-1` });
    expect(Object.keys(inject(createPropagator(['b3multi']), ctx))).toEqual([
      'x-b3-traceid',
      'x-b3-spanid',
      'x-b3-sampled',
    ]);
  });

  it('none means no propagation, even next to others', () => {
    const p = createPropagator(['tracecontext', 'none']);
    expect(inject(p, withSpanContext({ traceId: T, spanId: S }))).toEqual({});
    expect(extract(p, { traceparent: `00-${T}-${S}-01` })).toBe(ROOT_CONTEXT);
    expect(p.fields()).toEqual([]);
  });

  it('jaeger round trip; the W3C random flag is not sent as Jaeger debug', () => {
    const p = createPropagator(['jaeger']);
    const out = inject(p, withSpanContext({ traceId: T, spanId: S, traceFlags: 3 }));
    expect(out['uber-trace-id']).toBe(`${T}:${S}:0:01`);
    expect(spanContextOf(extract(p, { 'uber-trace-id': `${T.toUpperCase()}:${S}:0:1` }))).toMatchObject({
      traceId: T,
      spanId: S,
    });
  });

  it('a throwing custom propagator is skipped, the others still work', () => {
    const bad: TextMapPropagator = {
      inject: () => {
        throw new Error('boom');
      },
      extract: () => {
        throw new Error('boom');
      },
      fields: () => {
        throw new Error('boom');
      },
    };
    const p = createPropagator([bad, 'tracecontext']);
    expect(inject(p, withSpanContext({ traceId: T, spanId: S }))).toEqual({ traceparent: `00-${T}-${S}-01` });
    expect(spanContextOf(extract(p, { traceparent: `00-${T}-${S}-01` }))?.traceId).toBe(T);
    expect(p.fields()).toEqual(['traceparent', 'tracestate']);
  });
});
