// Issue 20, "nothing degrades the host for good": the caches of what was worked out per attribute
// key (the scrubber's action, the encoder's key bytes) stopped taking keys once full, so the first
// few thousand distinct keys (dynamic attribute names, or one hostile span's) left every key first
// seen after them uncached: a typical span's end() cost up to 2x for the rest of the process. They
// now keep two generations, and keys in use move back into the newer one.
import { afterEach, describe, expect, it } from 'vitest';
import { setLogSink } from '../../../src/diag/log.js';
import { KeyCache } from '../../../src/util/key-cache.js';
import { tracingToNowhere } from '../../support/otlp-nowhere.js';
import { resetTracing } from '../../support/reset.js';

afterEach(resetTracing);

describe('KeyCache', () => {
  it('keeps keys in use through any number of keys seen once, in at most two generations', () => {
    const cache = new KeyCache<number>(4);
    cache.set('hot', 1);
    for (let i = 0; i < 100; i++) {
      cache.set(`once-${i}`, i);
      expect(cache.get('hot')).toBe(1);
    }
    expect(cache.get('once-99')).toBe(99);
    expect(cache.get('once-98')).toBe(98);
    expect(cache.get('once-0')).toBeUndefined();
  });

  it('forgets a key not used for two generations', () => {
    const cache = new KeyCache<string>(2);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C'); // a and b move to the older generation
    expect(cache.get('b')).toBe('B'); // back into the newer one
    cache.set('d', 'D'); // the newer one (c, b) becomes the older; a is gone
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual(['B', 'C', 'D']);
  });
});

describe('span.end() after a flood of distinct attribute keys', () => {
  it('keys first seen after the flood cost what keys cached before it cost (ratio)', () => {
    setLogSink(() => undefined);
    const tracing = tracingToNowhere({ batch: { maxQueueSize: 100_000 } });
    // Two sets of the same shape: the second is first seen after the flood, as a new route's or
    // release's attributes would be.
    const attributesOf = (tag: string) => ({
      [`${tag}.order.id`]: 'o-42',
      [`${tag}.order.items`]: 3,
      [`${tag}.customer.tier`]: 'gold',
      [`${tag}.customer.region`]: 'eu-west',
      [`${tag}.cart.total`]: 99.5,
      [`${tag}.cart.currency`]: 'EUR',
      [`${tag}.feature.checkout_v2`]: true,
      [`${tag}.payment.method`]: 'card',
      [`${tag}.shipping.zone`]: 'B',
      [`${tag}.tenant`]: 'acme',
    });
    const endMany = (attributes: Record<string, string | number | boolean>, n: number) => {
      const spans = Array.from({ length: n }, () => tracing.tracer.startSpan('GET', { attributes }));
      const t0 = performance.now();
      for (const span of spans) span.end();
      return performance.now() - t0;
    };
    const seenBefore = attributesOf('app');
    const seenAfter = attributesOf('shop');
    endMany(seenBefore, 3000); // compile the path first
    // 8 spans of 16 events of 128 keys each, all distinct: more than either cache holds.
    for (let k = 0; k < 8; k++) {
      const span = tracing.tracer.startSpan('flood');
      for (let e = 0; e < 16; e++) {
        const flood: Record<string, string> = {};
        for (let j = 0; j < 128; j++) flood[`flood.${k}.${e}.${j}`] = 'v';
        span.addEvent('e', flood);
      }
      span.end();
    }
    endMany(seenAfter, 1000);
    // Interleaved, best of 5: keys cached before the flood against keys first seen after it.
    const ratio = () => {
      let before = Number.POSITIVE_INFINITY;
      let after = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 5; round++) {
        before = Math.min(before, endMany(seenBefore, 2000));
        after = Math.min(after, endMany(seenAfter, 2000));
      }
      return after / before;
    };
    // 1.5-1.9x with caches that stopped taking keys once full, 0.95-1.08x now (Node 20 and 26).
    // Two measurements of 2026-12-06 read 1.4x and 1.6x (one of ~25 on a quiet host, one in CI with
    // other work on the host), every round slow on one side; 30 others read 0.95-1.08x, the code of
    // that morning the same. So further measurements must read it too (CI on 2026-12-07 read 1.40x
    // twice while other tests ran beside it): the fault this catches reads 1.5x or more every time.
    let best = ratio();
    for (let again = 0; again < 2 && best >= 1.35; again++) best = Math.min(best, ratio());
    expect(best).toBeLessThan(1.35);
  });
});
