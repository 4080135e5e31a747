// decodeComponent is decodeURIComponent without the throw (src/propagation/percent-decode.ts): the
// same string for every value it decodes, `undefined` for every value it refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeComponent } from '../../../src/util/percent-decode.js';

function reference(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

const byte = fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0')}`);
const escapes = fc.oneof(
  byte,
  // Escapes of real UTF-8 (any code point but a lone surrogate, which encodeURIComponent refuses),
  // and shapes it refuses or that are easy to get wrong (cut short, overlong, surrogate, BOM).
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 2 })
    .map((t) => encodeURIComponent(t.replace(/[\ud800-\udfff]/gu, 'x'))),
  fc.constantFrom('%', '%4', '%G1', '%ED%A0%80', '%C0%80', '%F4%90%80%80', '%EF%BB%BF', '%E0%A4', '%25'),
);
const piece = fc.oneof(escapes, fc.string({ maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 2 }));
const value = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

describe('decodeComponent', () => {
  it('gives what decodeURIComponent gives, and undefined where it throws (20,000 values)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(decodeComponent(v)).toBe(reference(v));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([
    ['plain', 'plain'],
    ['ann%20lee', 'ann lee'],
    ['%EF%BB%BFbom', '\ufeffbom'],
    ['caf%C3%A9%2C%20ok', 'café, ok'],
    ['%E0%A4', undefined],
    ['%ED%A0%80', undefined],
    ['100%', undefined],
  ])('%s', (input, expected) => {
    expect(decodeComponent(input)).toBe(expected);
  });
});
