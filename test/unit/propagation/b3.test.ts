import { ROOT_CONTEXT } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { B3_DEBUG_FLAG_KEY } from '../../../src/propagation/b3-context.js';
import { StrictB3Propagator } from '../../../src/propagation/b3-propagator.js';
import { extract, inject, resetGlobals, spanContextOf, withSpanContext } from './support.js';

const T = '80f198ee56343ba864fe8b2a57d3eff7';
const S = 'e457b5a2e4d86bd1';
const single = new StrictB3Propagator({ injectEncoding: 'single' });
const multi = new StrictB3Propagator({ injectEncoding: 'multi' });

beforeEach(resetGlobals);

describe('B3 inject', () => {
  it('single header', () => {
    expect(inject(single, withSpanContext({ traceId: T, spanId: S, traceFlags: 1 }))).toEqual({
      b3: `${T}-${S}-1`,
    });
    expect(inject(single, withSpanContext({ traceId: T, spanId: S, traceFlags: 0 }))).toEqual({
      b3: `${T}-${S}-0`,
    });
  });

  it('multi headers; the random flag 0x02 does not leak into B3', () => {
    expect(inject(multi, withSpanContext({ traceId: T, spanId: S, traceFlags: 3 }))).toEqual({
      'x-b3-traceid': T,
      'x-b3-spanid': S,
      'x-b3-sampled': '1',
    });
  });

  it('debug crosses encodings both ways', () => {
    const fromMulti = extract(single, { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1' });
    expect(inject(single, fromMulti)).toEqual({ b3: `${T}-${S}-d` });
    const fromSingle = extract(multi, { b3: `${T}-${S}-d` });
    expect(inject(multi, fromSingle)).toEqual({ 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-flags': '1' });
  });

  it('understands the debug value upstream stores for X-B3-Flags', () => {
    const ctx = withSpanContext({ traceId: T, spanId: S }).setValue(B3_DEBUG_FLAG_KEY, '1');
    expect(inject(single, ctx).b3).toBe(`${T}-${S}-d`);
  });

  it('writes nothing without a valid span context', () => {
    expect(inject(single, ROOT_CONTEXT)).toEqual({});
    expect(inject(multi, withSpanContext({ traceId: T, spanId: 'nothex!!nothex!!' }))).toEqual({});
  });

  it('fields follow the inject encoding', () => {
    expect(single.fields()).toEqual(['b3']);
    expect(multi.fields()).toContain('x-b3-traceid');
  });
});

describe('B3 extract', () => {
  it('mixed-case header names in a plain carrier', () => {
    const ctx = extract(multi, { 'X-B3-TraceId': T, 'X-B3-SpanId': S, 'X-B3-Sampled': '1' });
    expect(spanContextOf(ctx)).toMatchObject({ traceId: T, spanId: S, traceFlags: 1 });
  });

  it('repeated headers are invalid', () => {
    expect(extract(single, { b3: [`${T}-${S}-1`, `${T}-${S}-0`] })).toBe(ROOT_CONTEXT);
    expect(extract(single, { 'x-b3-traceid': [T, T], 'x-b3-spanid': S })).toBe(ROOT_CONTEXT);
  });

  it('an invalid parent span id in multi headers invalidates them', () => {
    expect(extract(single, { 'x-b3-traceid': T, 'x-b3-spanid': S, 'x-b3-parentspanid': 'xyz' })).toBe(
      ROOT_CONTEXT,
    );
  });
});
