// Paired differences (bench/ab.mjs `--against`): each round's figure less the other variant's in
// the same round, so drift between rounds cancels.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM bench module without types
import { paired, summarize } from '../lib/stats.mjs';

describe('bench paired differences', () => {
  it('cancels drift that moves both variants of a round alike', () => {
    // The host doubles its cost in rounds 2 and 4; the change is 1 µs cheaper in every round.
    const old = [40, 80, 41, 82, 40];
    const changed = [39, 79, 40, 81, 39];
    const diffs = paired(changed, old) as number[];
    expect(diffs).toEqual([-1, -1, -1, -1, -1]);
    expect(summarize(diffs).median).toBe(-1);
    // Unpaired, the two medians are as far apart, but each spread is 40 µs wide.
    expect(summarize(old).max - summarize(old).min).toBe(42);
  });

  it('leaves out rounds where either side is missing or not a number', () => {
    expect(paired([1, Number.NaN, 5, 7], [0, 2, Number.POSITIVE_INFINITY])).toEqual([1]);
  });
});
