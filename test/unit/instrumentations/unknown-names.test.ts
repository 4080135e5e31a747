// A long OTEL_NODE_ENABLED_INSTRUMENTATIONS / _DISABLED_ list of unknown names: each one was
// compared with every known name by edit distance, twice, repeats included, and all were listed in
// the warning: ~90 µs a name, so the 40,000 names a 128 KiB variable holds (Linux's limit for one)
// held start-up for ~3.5 s. Distinct names are now looked at once, and the line names the first 8.
import { describe, expect, it } from 'vitest';
import { resolveInstrumentationNames } from '../../../src/instrumentations/index.js';
import { bestMs } from '../../support/best-ms.js';

function resolve(enabledEnv: string): { names: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const names = resolveInstrumentationNames({ enabledEnv }, (line) => warnings.push(line));
  return { names, warnings };
}

describe('unknown instrumentation names', () => {
  const many = (n: number) =>
    ['http', ...Array.from({ length: n }, (_, i) => `nope${i % 2 ? 'x' : ''}${i}`)].join(',');

  it('40,000 unknown names cost about what 40,000 known ones do, and the line names 8 of them', () => {
    const known = ['http', ...new Array<string>(40_000).fill('pg')].join(',');
    const ratio = bestMs(() => resolve(many(40_000)), 3) / bestMs(() => resolve(known), 3);
    expect(ratio, '40,000 unknown names against 40,000 known ones').toBeLessThan(20);
    const { names, warnings } = resolve(many(40_000));
    expect(names).toEqual(['http']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /names unknown instrumentations "nope0", "nopex1", .*"nopex7" and 39992 more \(known: /,
    );
  });

  it('a repeated typo is named once, with its suggestion', () => {
    const { warnings } = resolve(Array.from({ length: 1000 }, () => 'expresss').join(','));
    expect(warnings).toEqual([
      expect.stringMatching(
        /names unknown instrumentation "expresss" \(did you mean "express"\?\), defaulting to the default instrumentations\.$/,
      ),
    ]);
  });
});
