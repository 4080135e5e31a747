// util.inspect prints a Buffer as its bytes, which spell the secret: `{ password: <Buffer 68 75 6e
// 74 65 72 32> }` was scrubbed, but `password=<Buffer 68 …>` and `'password' => <Buffer …>` (a
// Map) kept every byte after the first word (2026-12-07). A Buffer under another name is kept.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a Buffer after a secret name', () => {
  it.each([
    ['{ password: <Buffer 68 75 6e 74 65 72 32> }', `{ password: ${R} }`],
    ['password=<Buffer 68 75 6e 74 65 72 32> user=bob', `password=${R} user=bob`],
    ["Map(1) { 'token' => <Buffer 61 62 63> }", `Map(1) { 'token' => ${R} }`],
    ['{ apiKey: <Buffer 61 62 63 64 65 66 67 68 ... 42 more bytes>, id: 7 }', `{ apiKey: ${R}, id: 7 }`],
    // Cut short.
    ['password=<Buffer 68 75 6e', `password=${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    '{ data: <Buffer 68 75 6e 74 65 72 32> }',
    'body=<Buffer 7b 7d>',
    "Map(1) { 'payload' => <Buffer 61> }",
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
