import { type Context, createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChainContext } from '../../../src/context/chain-context.js';

// The request's context is a chain of nodes (src/context/chain-context.ts) instead of the API's
// Map-copying contexts: every sequence of sets and deletes, from any base, at any depth, must
// read back exactly as the API's own contexts do.

const KEYS = Array.from({ length: 6 }, (_, i) => createContextKey(`key ${i}`));

type Op = { set: true; key: number; value: number } | { set: false; key: number };

function apply(ctx: Context, op: Op): Context {
  const key = KEYS[op.key]!;
  return op.set ? ctx.setValue(key, op.value) : ctx.deleteValue(key);
}

describe('ChainContext', () => {
  it('reads back as the API contexts do, for any sets and deletes, past the depth where it flattens', () => {
    const op = fc.oneof(
      fc.record({ set: fc.constant(true as const), key: fc.nat(5), value: fc.integer() }),
      fc.record({ set: fc.constant(false as const), key: fc.nat(5) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 8 }),
        fc.array(op, { minLength: 33, maxLength: 120 }),
        (baseOps, ops) => {
          const base = baseOps.reduce(apply, ROOT_CONTEXT);
          let expected = base;
          let actual = ChainContext.on(base);
          for (const o of ops) {
            expected = apply(expected, o);
            actual = apply(actual, o);
            for (const key of KEYS) expect(actual.getValue(key)).toBe(expected.getValue(key));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('leaves the contexts it was derived from as they were', () => {
    const [a, b] = KEYS as [symbol, symbol];
    const base = ROOT_CONTEXT.setValue(a, 'base');
    const chain = ChainContext.on(base);
    const child = chain.setValue(a, 'child').setValue(b, 'b');
    const sibling = chain.deleteValue(a);
    expect(base.getValue(a)).toBe('base');
    expect(chain.getValue(a)).toBe('base');
    expect(child.getValue(a)).toBe('child');
    expect(sibling.getValue(a)).toBeUndefined();
    expect(sibling.getValue(b)).toBeUndefined();
    expect(ChainContext.on(child)).toBe(child);
  });

  it('never walks more than its bound: 10,000 nested values read as fast as 32', () => {
    const key = KEYS[0]!;
    const deepest = (n: number) => {
      let ctx = ChainContext.on(ROOT_CONTEXT);
      for (let i = 0; i < n; i++) ctx = ctx.setValue(KEYS[1]!, i);
      return ctx;
    };
    const time = (ctx: Context) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 20_000; i++) ctx.getValue(key);
      return Number(process.hrtime.bigint() - start);
    };
    const shallow = deepest(32);
    const deep = deepest(10_000);
    expect(deep.getValue(KEYS[1]!)).toBe(9_999);
    // Warm both, then compare the best of five (a ratio with headroom, not a time).
    const best = (ctx: Context) => Math.min(...Array.from({ length: 5 }, () => time(ctx)));
    best(shallow);
    best(deep);
    expect(best(deep) / best(shallow)).toBeLessThan(4);
  });
});
