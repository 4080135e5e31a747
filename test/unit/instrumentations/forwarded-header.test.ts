// src/instrumentations/forwarded-header.ts ports forwarded-parse 2.1.2, which upstream's
// instrumentation-http uses for `Forwarded`: the same objects for every value it accepts, and
// `undefined` wherever it throws. Compared on hand-picked values and on random strings over the
// characters that matter to the grammar.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseForwarded } from '../../../src/instrumentations/forwarded-header.js';

// forwarded-parse is installed as instrumentation-http's dependency; resolved from there.
const fromHttp = createRequire(createRequire(import.meta.url).resolve('@opentelemetry/instrumentation-http'));
const forwardedParse = fromHttp('forwarded-parse') as (header: string) => Record<string, string>[];

function reference(header: string): Record<string, string>[] | undefined {
  try {
    return forwardedParse(header).map((entry) => ({ ...entry }));
  } catch {
    return undefined;
  }
}

const ours = (header: string) => parseForwarded(header)?.map((entry) => ({ ...entry }));

const CASES = [
  'for=192.0.2.60;proto=http;by=203.0.113.43;host=fwd.example',
  'for="[2001:db8:cafe::17]:4711";host="h.example:8080";proto=https',
  'proto=https, host=second.example;for="a\\"b"',
  'for=bad"value;host=never.example',
  'Host=UPPER.example:81',
  'for=a, for=b',
  'for=a,',
  'for=',
  'for=;host=x',
  '=x',
  ' for=a',
  'for=a ',
  'for="a b"',
  'for="unterminated',
  'for=a;;host=b',
  'for="\\\\"',
  'for="é"',
  'for=a\tb',
  '',
];

describe('Forwarded header parsing = forwarded-parse', () => {
  it.each(CASES)('%j', (header) => {
    expect(ours(header)).toEqual(reference(header));
  });

  it('random values over the grammar characters', () => {
    const alphabet = [
      'f',
      'o',
      'r',
      'h',
      '=',
      ';',
      ',',
      ' ',
      '\t',
      '"',
      '\\',
      '[',
      ':',
      ']',
      '1',
      'é',
      '(',
      '@',
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let n = 0; n < 5000; n++) {
      const length = 1 + Math.floor(random() * 14);
      let header = random() < 0.7 ? 'for=' : '';
      for (let i = 0; i < length; i++) header += alphabet[Math.floor(random() * alphabet.length)];
      expect(ours(header), header).toEqual(reference(header));
    }
  });
});
