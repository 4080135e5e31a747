import { describe, expect, it } from 'vitest';
import { built, nameTrie } from '../../../src/redaction/name-trie.js';
import { endsInSecretName, secretSuffixes } from '../../../src/redaction/param-names.js';
import { createRedactor } from '../../../src/redaction/redactor.js';
import { QUERY_SECRET_SUFFIXES } from '../../../src/redaction/url.js';

// The trie of secret names read backwards (name-trie.ts): what endsInSecretName finds must be what
// comparing every name at the end of the text finds, and the trie is built only when first read.

const NAMES = ['password', 'passwd', 'pwd', 'token', 'auth_token', 'x-api-key', 'secret', 'clé', 'pass'];
const GLUED = ['password', 'pwd'];

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** The rule of endsInSecretName, name by name: ASCII letters in any case, the rest as written. */
function reference(text: string, from: number, to: number, whole: boolean): boolean {
  return NAMES.some((name) => {
    const n = name.toLowerCase();
    const start = to - n.length;
    if (start < from) return false;
    for (let i = 0; i < n.length; i++) {
      const c = text.charCodeAt(start + i);
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== n.charCodeAt(i)) return false;
    }
    if (start === from) return whole;
    return GLUED.includes(name) || !isAsciiAlnum(text.charCodeAt(start - 1));
  });
}

/** A deterministic pseudo-random source (xorshift), so a failure names a case that repeats. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('name trie', () => {
  it('finds what comparing every name at the end finds, in any ASCII case, past ASCII as written', () => {
    const trie = secretSuffixes(NAMES, GLUED);
    const next = random(20261207);
    const pieces = [
      ...NAMES,
      ...NAMES.map((n) => n.toUpperCase()),
      'a',
      'Z',
      '9',
      '_',
      '-',
      '.',
      ' ',
      'É',
      'ss',
      'x',
    ];
    let found = 0;
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      const parts = 1 + Math.floor(next() * 4);
      for (let p = 0; p < parts; p++) text += pieces[Math.floor(next() * pieces.length)];
      const from = Math.floor(next() * Math.min(3, text.length));
      const whole = next() < 0.5;
      const expected = reference(text, from, text.length, whole);
      if (expected) found++;
      expect(
        endsInSecretName(text, from, text.length, trie, whole),
        JSON.stringify({ text, from, whole }),
      ).toBe(expected);
    }
    // Both answers are common: the comparison is not of two always-false functions.
    expect(found).toBeGreaterThan(2_000);
    expect(found).toBeLessThan(18_000);
  });

  it('ORs the flags of a name given twice, and leaves out empty names', () => {
    const trie = built(
      nameTrie([
        ['Token', 1],
        ['token', 2],
        ['', 4],
      ]),
    );
    let node = 0;
    for (const c of 'nekot') node = trie.child[node * trie.width + trie.asciiSlot[c.charCodeAt(0)]!]!;
    expect(trie.flags[node]).toBe(3);
    expect(trie.flags[0]).toBe(0);
  });

  it('is built on its first lookup, not when made', () => {
    const trie = secretSuffixes(['password']);
    expect(trie.pending).toBeDefined();
    expect(trie.width).toBe(0);
    expect(endsInSecretName('db_password', 0, 11, trie)).toBe(true);
    expect(trie.pending).toBeUndefined();
    expect(trie.width).toBeGreaterThan(0);
  });

  it('a new redactor scrubbing text with no query builds no query-parameter trie (start-up pays only for what it reads)', () => {
    const redactor = createRedactor();
    const attributes = { 'process.command_args': ['node', '--require', '@acme/otel/register', 'server.js'] };
    redactor.attributes(attributes);
    expect(QUERY_SECRET_SUFFIXES.pending).toBeDefined();
    expect(redactor.text('GET /search?q=1&access_token=abc')).toBe('GET /search?q=1&access_token=[REDACTED]');
  });
});
