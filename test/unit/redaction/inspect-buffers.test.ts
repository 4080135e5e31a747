// util.inspect prints a Buffer as its bytes, which spell the secret: `{ password: <Buffer 68 75 6e
// 74 65 72 32> }` was scrubbed, but `password=<Buffer 68 …>` and `'password' => <Buffer …>` (a
// Map) kept every byte after the first word (2026-12-07). A Buffer under another name is kept.
// A typed array is printed as its numbers (`Uint8Array(7) [ 104, 117, … ]`), which spell the secret
// as well: after a secret name, only `Uint8Array(7)` was hidden and every number went out
// (2026-12-07). The whole list goes, over lines too (util.inspect breaks a long one).
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { MAX_TYPED_LIST } from '../../../src/redaction/inspect-values.js';
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

describe('a typed array after a secret name', () => {
  it.each([
    ['{ password: Uint8Array(7) [ 104, 117, 110, 116, 101, 114, 50 ] }', `{ password: ${R} }`],
    ['token: Uint16Array(2) [ 1, 2 ]', `token: ${R}`],
    ['password=Uint8Array(7) [ 104, 117, 110, 116, 101, 114, 50 ] user=bob', `password=${R} user=bob`],
    ["Map(1) { 'token' => Uint8Array(3) [ 1, 2, 3 ] }", `Map(1) { 'token' => ${R} }`],
    ["{ 'api-key': Int8Array(2) [ -1, 2 ], id: 7 }", `{ 'api-key': ${R}, id: 7 }`],
    ['{ secret: Float64Array(2) [ 1.5, -2e+21 ] }', `{ secret: ${R} }`],
    ['{ token: BigUint64Array(1) [ 5n ] }', `{ token: ${R} }`],
    ['{ password: Uint8ClampedArray(0) [] }', `{ password: ${R} }`],
    // util.inspect over lines, with its count of what it left out.
    [
      '{\n  password: Uint8Array(200) [\n    104, 117, 110, 116,\n    101, 114,  50,\n    ... 100 more items\n  ],\n  id: 7\n}',
      `{\n  password: ${R},\n  id: 7\n}`,
    ],
    // Cut short: to the text's end.
    ['password=Uint8Array(7) [ 104, 117, 110', `password=${R}`],
    ['{ password: Uint8Array(32) [\n    104, 117, 110,\n    116', `{ password: ${R}`],
    // Cut short, then another pair: its name is given back, and read.
    ['password=Uint8Array(7) [ 104, 117, 110 user=bob', `password=${R} user=bob`],
    ['password=Uint8Array(7) [ 104, 117 token: abc', `password=${R} token: ${R}`],
    ['password=Uint8Array(7) [ 104, 117 api_key=abc', `password=${R} api_key=${R}`],
    // Cut short before something util.inspect writes in no list: the numbers go.
    ['{ password: Uint8Array(3) [ 104, 117, 110 }', `{ password: ${R} }`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('as util.inspect prints each kind, its longest lists too', () => {
    const bytes = new TextEncoder().encode('hunter2');
    const arrays = [
      bytes,
      new Uint8Array(64).fill(104),
      new Int32Array(300).fill(-2147483648),
      new Float64Array(300).fill(-1.2345678901234567e300),
      new BigInt64Array(300).fill(-9223372036854775808n),
      new Float32Array([Number.NaN, Number.NEGATIVE_INFINITY, 1.5]),
    ];
    for (const password of arrays) {
      const text = inspect({ password, id: 7 });
      expect(text.length).toBeLessThan(MAX_TYPED_LIST);
      // util.inspect breaks a long one over lines, and the object with it.
      const list = text.slice(text.indexOf('password: ') + 10, text.lastIndexOf(']') + 1);
      expect(list).toMatch(/^[A-Za-z0-9]+Array\(\d+\) \[/);
      expect(redactor.text(text)).toBe(text.replace(list, R));
    }
    expect(redactor.text(inspect({ data: bytes }))).toBe(inspect({ data: bytes }));
  });

  it(`a list longer than ${MAX_TYPED_LIST} characters is hidden to there`, () => {
    const rest = ' 9'.repeat(10);
    const text = `password=Uint8Array(9) [${' 11,'.repeat(MAX_TYPED_LIST / 4)}${rest}`;
    expect(redactor.text(text)).toBe(`password=${R}${rest}`);
  });

  it.each([
    '{ data: Uint8Array(7) [ 104, 117, 110, 116, 101, 114, 50 ] }',
    'body=Uint16Array(2) [ 1, 2 ]',
    "Map(1) { 'payload' => Float32Array(1) [ 0.5 ] }",
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});

// An ArrayBuffer prints its bytes too (`ArrayBuffer { [Uint8Contents]: <68 75 6e>, byteLength: 3 }`),
// a DataView its ArrayBuffer, a typed array without a prototype `[Uint8Array(2): null prototype] [ … ]`:
// after a secret name only the first word was hidden, the bytes went out (2026-12-07).
describe('an ArrayBuffer, a DataView or a null-prototype typed array after a secret name', () => {
  const bytes = new Uint8Array([104, 117, 110, 116, 101, 114, 50]);
  it.each([
    ['an ArrayBuffer', inspect({ password: bytes.buffer })],
    ['a SharedArrayBuffer', inspect({ token: new SharedArrayBuffer(4) })],
    ['a DataView, over lines', inspect({ password: new DataView(bytes.buffer) })],
    [
      'a typed array without a prototype',
      inspect({ password: Object.setPrototypeOf(new Uint8Array(bytes), null) }),
    ],
    ['an ArrayBuffer after `=`', `password=${inspect(bytes.buffer)} user=bob`],
    // As Node 20 and Node 22+ write them, whichever runs this.
    ["Node 20's form", '{ password: ArrayBuffer { [Uint8Contents]: <68 75>, byteLength: 2 } }'],
    ["Node 22's form", '{ password: ArrayBuffer { [Uint8Contents]: <68 75>, [byteLength]: 2 } }'],
    [
      "Node 22's DataView",
      '{\n  p: DataView {\n    [byteLength]: 2,\n    [byteOffset]: 0,\n    [buffer]: ArrayBuffer {\n      [Uint8Contents]: <68 75>,\n      [byteLength]: 2\n    }\n  }\n}'.replace(
        'p:',
        'password:',
      ),
    ],
    [
      "Node 20's DataView",
      '{\n  password: DataView {\n    byteLength: 2,\n    byteOffset: 0,\n    buffer: ArrayBuffer { [Uint8Contents]: <68 75>, byteLength: 2 }\n  }\n}',
    ],
  ])('%s', (_name, text) => {
    const out = redactor.text(text);
    expect(out).toContain(R);
    expect(out).not.toMatch(/68 75|104, 117|Uint8Contents|byteLength|null prototype/);
  });

  it('cut short in its bytes: to the line’s end', () => {
    expect(redactor.text('password=ArrayBuffer { [Uint8Contents]: <68 75\nuser=bob')).toBe(
      `password=${R}\nuser=bob`,
    );
  });

  it.each([
    inspect({ data: bytes.buffer }),
    inspect({ body: new DataView(bytes.buffer) }),
    inspect({ payload: Object.setPrototypeOf(new Uint8Array(bytes), null) }),
  ])('kept under another name: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
