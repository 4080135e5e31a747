import { defaultTextMapGetter, ROOT_CONTEXT, type TextMapGetter, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createPropagator } from '../../src/propagation/create-propagator.js';
import { HeaderReader, LOWERCASE_KEYS, nodeHeadersGetter } from '../../src/propagation/headers.js';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** A getter that counts keys() calls, optionally carrying the lowercase hint. */
function countingGetter(hint: boolean) {
  const calls = { keys: 0 };
  const getter: TextMapGetter<Record<string, string>> = {
    get: (c, k) => c[k],
    keys: (c) => {
      calls.keys++;
      return Object.keys(c);
    },
    ...(hint ? { [LOWERCASE_KEYS]: true } : {}),
  };
  return { getter, calls };
}

describe('HeaderReader and the lowercase-keys hint (Node request headers)', () => {
  it('without the hint a miss scans the keys, so other spellings are found', () => {
    const { getter, calls } = countingGetter(false);
    const reader = new HeaderReader(getter, { 'X-B3-TraceId': 'a'.repeat(32) });
    expect(reader.one('x-b3-traceid')).toBe('a'.repeat(32));
    expect(reader.one('b3')).toBeUndefined();
    expect(calls.keys).toBe(1); // built once per reader
  });

  it('with the hint a miss is final: no key scan', () => {
    const { getter, calls } = countingGetter(true);
    const reader = new HeaderReader(getter, { traceparent: TRACEPARENT, 'X-Not-Lowercase': 'x' });
    expect(reader.one('traceparent')).toBe(TRACEPARENT);
    expect(reader.one('b3')).toBeUndefined();
    expect(reader.one('x-not-lowercase')).toBeUndefined();
    expect(calls.keys).toBe(0);
  });

  it('the composite propagator extracts the same context through nodeHeadersGetter as through the default getter', () => {
    const propagator = createPropagator(['tracecontext', 'baggage', 'b3multi']);
    const carriers = [
      { traceparent: TRACEPARENT, baggage: 'k=v' },
      { 'x-b3-traceid': 'a'.repeat(32), 'x-b3-spanid': 'b'.repeat(16), 'x-b3-sampled': '1' },
      { b3: `${'c'.repeat(32)}-${'d'.repeat(16)}-1` },
      { 'user-agent': 'no trace here' },
    ];
    for (const carrier of carriers) {
      const a = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
      const b = propagator.extract(ROOT_CONTEXT, carrier, nodeHeadersGetter);
      expect(trace.getSpanContext(b)).toEqual(trace.getSpanContext(a));
    }
  });
});
