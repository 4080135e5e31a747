// versionInRange (src/instrumentations/version-range.ts) decides as npm's semver `satisfies` does,
// for the range syntax instrumentations write in supportedVersions; semver itself is too slow to
// load on the event loop (13–34 ms). Checked against semver: every range the catalogue's
// instrumentations use today, and generated ones, on generated versions.
import fc from 'fast-check';
import satisfies from 'semver/functions/satisfies.js';
import { describe, expect, it } from 'vitest';
import { versionInRange } from '../../../src/instrumentations/version-range.js';

// From the installed instrumentations (grep of their supportedVersions), December 2026.
const CATALOGUE_RANGES = [
  '<4',
  '>= 6.7 < 8',
  '>=0.3.0 <3',
  '>=1 <3',
  '>=1.0.0 <2',
  '>=1.0.3',
  '>=1.11.0 <21',
  '>=1.3 <4',
  '>=17.0.0 <22',
  '>=2.0.0 <2.4',
  '>=2.0.0 <3',
  '>=2.0.0 <4',
  '>=2.0.0 <7',
  '>=2.0.0',
  '>=2.2.0 <3',
  '>=2.4.0 <3',
  '>=3 <4',
  '>=3 <5',
  '>=3.0.0 <4',
  '>=3.1.0 <3.35.0',
  '>=3.24.0',
  '>=3.3.0 <4',
  '>=3.35.0',
  '>=4 <5',
  '>=4.0.0 <6',
  '>=4.0.0 <6.4',
  '>=4.0.0 <8',
  '>=4.19.0 <7',
  '>=5.14.0 <11',
  '>=5.9.7 <10',
  '>=6.4.0 <8',
  '^1.0.0',
  '^3.1.0',
  '>=2.0.0 <4',
  '>=8.0.3 <9',
  '>=0.5.5 <3',
  '>=1.0.0 <3',
  '>=1.4.2 <4',
  '>=14.0.0 <17',
  '>=4.0.0 <12',
  '>=4.1.0 <13',
  '>=4.4.0 <5',
  '>=8.0.0 <13',
];

const num = fc.integer({ min: 0, max: 25 });
const version = fc
  .tuple(num, num, num, fc.option(fc.constantFrom('alpha.1', 'beta', 'rc.2', '0'), { nil: undefined }))
  .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre === undefined ? '' : `-${pre}`}`);
const partial = fc.oneof(
  num.map((a) => `${a}`),
  fc.tuple(num, num).map(([a, b]) => `${a}.${b}`),
  fc.tuple(num, num, num).map(([a, b, c]) => `${a}.${b}.${c}`),
);
const comparator = fc
  .tuple(fc.constantFrom('>=', '>', '<=', '<', '=', '', '^', '~'), fc.constantFrom('', ' '), partial)
  .map(([op, space, v]) => (op === '' ? v : `${op}${space}${v}`));
const range = fc.array(comparator, { minLength: 1, maxLength: 3 }).map((cs) => cs.join(' '));

describe('versionInRange agrees with semver', () => {
  it("on every range the catalogue's instrumentations use", () => {
    fc.assert(
      fc.property(version, fc.constantFrom(...CATALOGUE_RANGES), (v, r) => {
        const ours = versionInRange(v, r);
        expect(ours, `${v} in ${r}`).toBe(satisfies(v, r));
      }),
      { numRuns: 5000 },
    );
  });

  it('on generated ranges, wherever it gives an answer', () => {
    fc.assert(
      fc.property(version, range, fc.boolean(), (v, r, includePrerelease) => {
        const ours = versionInRange(v, r, includePrerelease);
        if (ours !== undefined) expect(ours, `${v} in ${r}`).toBe(satisfies(v, r, { includePrerelease }));
      }),
      { numRuns: 20000 },
    );
  });

  it('says it cannot tell for what it does not read', () => {
    expect(versionInRange('1.2.3', '1.x')).toBeUndefined();
    expect(versionInRange('1.2.3', '>=1 || <0.5')).toBeUndefined();
    expect(versionInRange('not.a.version', '>=1')).toBeUndefined();
    expect(versionInRange('1.0.0-beta', '>=0.9', true)).toBeUndefined();
    expect(versionInRange('6.0.0', '*')).toBe(true);
  });

  it('reads no range longer than 256 characters, and no overlong version', () => {
    expect(versionInRange('1.0.0', `${'>= '.repeat(50_000)}1`)).toBeUndefined();
    expect(versionInRange(`${'1.'.repeat(50_000)}0`, '>=1')).toBeUndefined();
  });
});
