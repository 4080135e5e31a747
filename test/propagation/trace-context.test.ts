import { createTraceState, ROOT_CONTEXT } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { StrictTraceContextPropagator } from '../../src/propagation/trace-context-propagator.js';
import { extract, type Headers, inject, resetGlobals, spanContextOf, withSpanContext } from './support.js';

const T = '0af7651916cd43dd8448eb211c80319c';
const S = 'b7ad6b7169203331';
const VALID = `00-${T}-${S}-01`;
const propagator = new StrictTraceContextPropagator();

beforeEach(resetGlobals);

// Cases from the W3C trace-context test suite (test/test.py) and the Level 2 text.
const invalidTraceparents: [string, Headers][] = [
  ['too short', { traceparent: `00-${T}-${S}-0` }],
  ['too long for version 00 (trailing junk)', { traceparent: `${VALID}-what-the-future-will-be-like` }],
  ['trailing character for version 00', { traceparent: `${VALID}.` }],
  ['uppercase trace id', { traceparent: `00-${T.toUpperCase()}-${S}-01` }],
  ['uppercase span id', { traceparent: `00-${T}-${S.toUpperCase()}-01` }],
  ['uppercase flags', { traceparent: `00-${T}-${S}-0A` }],
  ['uppercase version', { traceparent: `0A-${T}-${S}-01` }],
  ['all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${S}-01` }],
  ['all-zero span id', { traceparent: `00-${T}-${'0'.repeat(16)}-01` }],
  ['version ff', { traceparent: `ff-${T}-${S}-01` }],
  ['bad separator', { traceparent: `00_${T}-${S}-01` }],
  ['separators swapped for dots', { traceparent: `00.${T}.${S}.01` }],
  ['non-hex trace id', { traceparent: `00-${T.slice(0, 31)}g-${S}-01` }],
  ['short trace id', { traceparent: `00-${T.slice(1)}-${S}-01` }],
  ['future version without dash after flags', { traceparent: `cc-${T}-${S}-01x` }],
  ['several traceparent headers', { traceparent: [VALID, `00-${'1'.repeat(32)}-${S}-01`] }],
  ['empty', { traceparent: '' }],
];

describe('traceparent extract (strict)', () => {
  it.each(invalidTraceparents)('%s: starts a new trace (context unchanged)', (_name, headers) => {
    const ctx = extract(propagator, { ...headers, tracestate: 'foo=bar' });
    expect(ctx).toBe(ROOT_CONTEXT);
  });

  it('valid version 00', () => {
    const sc = spanContextOf(extract(propagator, { traceparent: VALID }));
    expect(sc).toEqual({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
  });

  it('a future version keeps its first four fields and ignores what follows a dash', () => {
    for (const tp of [`cc-${T}-${S}-01`, `cc-${T}-${S}-01-what-the-future-will-be-like`]) {
      expect(spanContextOf(extract(propagator, { traceparent: tp }))).toMatchObject({
        traceId: T,
        spanId: S,
      });
    }
  });

  it('keeps the random flag (0x02) and writes it back as two lowercase hex digits', () => {
    const ctx = extract(propagator, { traceparent: `00-${T}-${S}-03` });
    expect(spanContextOf(ctx)?.traceFlags).toBe(3);
    expect(inject(propagator, ctx).traceparent).toBe(`00-${T}-${S}-03`);
    expect(inject(propagator, extract(propagator, { traceparent: `00-${T}-${S}-02` })).traceparent).toBe(
      `00-${T}-${S}-02`,
    );
  });

  it('clears reserved flag bits on inject (the spec says vendors MUST set them to zero)', () => {
    const ctx = extract(propagator, { traceparent: `00-${T}-${S}-ff` });
    expect(spanContextOf(ctx)?.traceFlags).toBe(0xff);
    expect(inject(propagator, ctx).traceparent).toBe(`00-${T}-${S}-03`);
  });

  it('accepts OWS around the value, as an HTTP parser would strip it', () => {
    expect(spanContextOf(extract(propagator, { traceparent: ` \t${VALID}\t ` }))?.traceId).toBe(T);
  });

  it('a single-element array is one header', () => {
    expect(spanContextOf(extract(propagator, { traceparent: [VALID] }))?.traceId).toBe(T);
  });

  it('finds mixed-case header names in a plain-object carrier', () => {
    expect(spanContextOf(extract(propagator, { TraceParent: VALID, TraceState: 'a=1' }))).toMatchObject({
      traceId: T,
    });
  });
});

describe('tracestate (discarded whole when invalid)', () => {
  const stateOf = (tracestate: string | string[]) =>
    spanContextOf(extract(propagator, { traceparent: VALID, tracestate }))?.traceState?.serialize();

  it('valid list, multi-tenant keys, empty members and OWS', () => {
    expect(stateOf('foo=bar , ,tenant@vendor=x y')).toBe('foo=bar,tenant@vendor=x y');
  });

  it('several tracestate headers are combined', () => {
    expect(stateOf(['foo=1', 'bar=2'])).toBe('foo=1,bar=2');
  });

  it.each([
    ['uppercase key', 'Foo=bar,ok=1'],
    ['key starting with a digit', '1foo=bar,ok=1'],
    ['value containing =', 'foo=b=r,ok=1'],
    ['empty value', 'foo=,ok=1'],
    ['control character in a value', 'ok=1,foo=bar\u0001'],
    ['duplicate keys', 'foo=1,bar=2,foo=3'],
    ['missing =', 'foo,ok=1'],
    ['non-ascii value', 'foo=bär'],
    ['33 members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
    ['too long key', `${'a'.repeat(257)}=v`],
    ['too long value', `k=${'v'.repeat(257)}`],
  ])('%s', (_name, tracestate) => {
    expect(stateOf(tracestate)).toBeUndefined();
    // the traceparent itself still counts
    expect(spanContextOf(extract(propagator, { traceparent: VALID, tracestate }))?.traceId).toBe(T);
  });

  it('32 members are fine', () => {
    const list = Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(',');
    expect(stateOf(list)).toBe(list);
  });
});

describe('traceparent / tracestate inject', () => {
  it('round trip', () => {
    const ctx = extract(propagator, { traceparent: VALID, tracestate: 'foo=bar,baz=1' });
    expect(inject(propagator, ctx)).toEqual({ traceparent: VALID, tracestate: 'foo=bar,baz=1' });
  });

  it('lowercases ids that reached the span context in uppercase', () => {
    const ctx = withSpanContext({ traceId: T.toUpperCase(), spanId: S.toUpperCase(), traceFlags: 1 });
    expect(inject(propagator, ctx).traceparent).toBe(VALID);
  });

  it('writes nothing for an invalid span context', () => {
    expect(inject(propagator, withSpanContext({ traceId: '0'.repeat(32), spanId: S }))).toEqual({});
    expect(inject(propagator, withSpanContext({ traceId: 'xyz', spanId: S }))).toEqual({});
    expect(inject(propagator, ROOT_CONTEXT)).toEqual({});
  });

  it('drops a trace state that upstream would have accepted but the spec does not', () => {
    const lenient = { ...createTraceState('a=1'), serialize: () => 'A=1' };
    expect(inject(propagator, withSpanContext({ traceId: T, spanId: S, traceState: lenient }))).toEqual({
      traceparent: VALID,
    });
  });

  it('never throws, whatever the getter or setter does', () => {
    const throwing = {
      get: () => {
        throw new Error('boom');
      },
      keys: () => {
        throw new Error('boom');
      },
      set: () => {
        throw new Error('boom');
      },
    };
    expect(propagator.extract(ROOT_CONTEXT, {}, throwing)).toBe(ROOT_CONTEXT);
    expect(() => propagator.inject(withSpanContext({ traceId: T, spanId: S }), {}, throwing)).not.toThrow();
  });
});
