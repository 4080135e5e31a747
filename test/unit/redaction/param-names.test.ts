import { describe, expect, it } from 'vitest';
import { INLINE_GLUED_NAMES, INLINE_SECRET_NAMES } from '../../../src/redaction/defaults.js';
import { endsInSecretName, secretSuffixes } from '../../../src/redaction/param-names.js';

const suffixes = secretSuffixes(INLINE_SECRET_NAMES, INLINE_GLUED_NAMES);

/** Every way of writing a name's case that the filters on its last two characters must let through. */
function caseVariants(name: string): string[] {
  const upper = name.toUpperCase();
  const lastUpper = name.slice(0, -1) + name.slice(-1).toUpperCase();
  const beforeUpper = name.slice(0, -2) + name.slice(-2, -1).toUpperCase() + name.slice(-1);
  return [...new Set([name, upper, lastUpper, beforeUpper])];
}

describe('endsInSecretName', () => {
  it('finds every name after a separator, in any case of its last two characters', () => {
    for (const name of INLINE_SECRET_NAMES) {
      for (const written of caseVariants(name)) {
        const text = `app.${written}`;
        expect(endsInSecretName(text, 0, text.length, suffixes), text).toBe(true);
        expect(endsInSecretName(written, 0, written.length, suffixes, true), written).toBe(true);
      }
    }
  });

  it('finds glued names glued, and a name that is not one only after a separator', () => {
    for (const name of INLINE_GLUED_NAMES) {
      for (const written of caseVariants(name)) {
        const text = `db${written}`;
        expect(endsInSecretName(text, 0, text.length, suffixes), text).toBe(true);
      }
    }
    for (const text of ['mycookie', 'myauthorization', 'xcookies']) {
      expect(endsInSecretName(text, 0, text.length, suffixes), text).toBe(false);
    }
  });

  it('rules out names that share only the last character of a secret name', () => {
    // `page`, `sort` and `count` end in letters that end `passphrase`, `secret` and `token`'s kin.
    for (const text of ['page', 'sort', 'count', 'app.state', 'x.date', 'locale']) {
      expect(endsInSecretName(text, 0, text.length, suffixes, true), text).toBe(false);
    }
  });

  it('reads only [from, to): a name before `from` or after `to` is not seen', () => {
    const text = 'password=1&page=2';
    expect(endsInSecretName(text, 11, 15, suffixes)).toBe(false);
    expect(endsInSecretName(text, 0, 8, suffixes, true)).toBe(true);
  });
});
