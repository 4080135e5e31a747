import { describe, expect, it } from 'vitest';
import { groupThousands } from '../../../src/util/group-thousands.js';

describe('groupThousands', () => {
  it('writes a count as Intl.NumberFormat("en-US") does, without loading Intl at start-up', () => {
    const intl = new Intl.NumberFormat('en-US');
    for (const n of [
      0,
      1,
      12,
      999,
      1000,
      12_345,
      100_000,
      999_999,
      1_000_000,
      2 ** 31,
      Number.MAX_SAFE_INTEGER,
    ]) {
      expect(groupThousands(n)).toBe(intl.format(n));
    }
  });
});
