import { defaultTextMapGetter, ROOT_CONTEXT, type TextMapGetter, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createPropagator } from '../../../src/propagation/create-propagator.js';
import {
  HeaderReader,
  LOWERCASE_KEYS,
  nodeHeadersGetter,
  trimOws,
} from '../../../src/propagation/headers.js';

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

describe('trimOws', () => {
  it('strips SP and HTAB only, from both ends', () => {
    expect(trimOws(' \t a b \t ')).toBe('a b');
    expect(trimOws('\n a \r')).toBe('\n a \r');
    expect(trimOws(' \t ')).toBe('');
    expect(trimOws('')).toBe('');
  });

  it('takes linear time on a long inner run of blanks (the regex it replaced was quadratic)', () => {
    // `/^[ \t]+|[ \t]+$/g` retried `[ \t]+$` from every blank of the run: 106 ms for 16,000
    // blanks, 420 ms for 32,000, per header value. 16 times the input must cost well under 256
    // times the time (quadratic); linear is about 16.
    const cost = (n: number, calls: number) => {
      const text = `a${' \t'.repeat(n / 2)}b`;
      let best = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        for (let i = 0; i < calls; i++) trimOws(text);
        best = Math.min(best, (performance.now() - started) / calls);
      }
      return best;
    };
    cost(2048, 64); // warm up
    cost(32_768, 4);
    const ratio = cost(32_768, 4) / Math.max(cost(2048, 64), 1e-4);
    expect(ratio).toBeLessThan(64);
  });

  it('a tracestate or traceparent full of blanks is handled at once', () => {
    const blanks = ' '.repeat(16_000);
    const propagator = createPropagator(['tracecontext']);
    const ctx = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: `a${blanks}b`, tracestate: `k=v${blanks}x,ok=1` },
      defaultTextMapGetter,
    );
    expect(trace.getSpanContext(ctx)).toBeUndefined();
    const valid = propagator.extract(
      ROOT_CONTEXT,
      { traceparent: TRACEPARENT, tracestate: `k=v${blanks}x,ok=1${blanks}` },
      defaultTextMapGetter,
    );
    expect(trace.getSpanContext(valid)?.traceState?.serialize()).toBe('ok=1');
  });
});
