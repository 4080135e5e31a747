// A secret given as a list went out (2026-12-07): the value after a secret name ended at its first
// blank or quote, so only `[` was replaced: `{ password: [ 'hunter2' ] }` (util.inspect) went out as
// `{ password: [REDACTED] 'hunter2' ] }`, `{"password":["hunter2"]}` as `[REDACTED]"hunter2"]}`.
// A list up to its first `]` on the line is now replaced whole.
// Then nested lists and quoted items holding `]` were read short (2026-12-07): `{ password: [['a'],
// ['b']] }` left `, ['b']]`, `{ password: ['a]b'] }` left `b'] }`, and a list written over several
// lines (JSON.stringify with an indent, util.inspect of a long one) or cut off went out whole.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a secret given as a list', () => {
  it.each([
    ["{ password: [ 'hunter2' ] }", `{ password: ${R} }`],
    ["{ password: [ 'hunter2', 'old' ], user: 'bob' }", `{ password: ${R}, user: 'bob' }`],
    ['{"password":["hunter2","old"],"user":"bob"}', `{"password":${R},"user":"bob"}`],
    ['token=[abc] next=1', `token=${R} next=1`],
    ['token: [1,2]', `token: ${R}`],
    // Already scrubbed: as before.
    [`password: ${R}`, `password: ${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Nested lists.
    ["{ password: [['a'], ['b']], user: 'bob' }", `{ password: ${R}, user: 'bob' }`],
    ['{"token":[["a","b"],["c"]],"user":"bob"}', `{"token":${R},"user":"bob"}`],
    ['{"token":[[["a"]],[]],"n":1}', `{"token":${R},"n":1}`],
    // Quoted items holding `]`, `[` or the other quote; an escaped quote inside one.
    ["{ password: ['a]b'], user: 'bob' }", `{ password: ${R}, user: 'bob' }`],
    ['{"password":["a]b","c[d"],"user":"bob"}', `{"password":${R},"user":"bob"}`],
    ['{"password":["a\\"]b"],"user":"bob"}', `{"password":${R},"user":"bob"}`],
    [`{ password: ["it's]", 'say "]"'], user: 'bob' }`, `{ password: ${R}, user: 'bob' }`],
    // JSON inside a JSON string.
    ['{\\"password\\":[\\"a]b\\"],\\"user\\":1}', `{\\"password\\":${R},\\"user\\":1}`],
    // Over several lines, as JSON.stringify(…, null, 2) and util.inspect write a long list.
    [
      '{\n  "password": [\n    "hunter2",\n    "old"\n  ],\n  "user": "bob"\n}',
      `{\n  "password": ${R},\n  "user": "bob"\n}`,
    ],
    ['password: [abc\n]', `password: ${R}`],
    // Not closed (a cut-off line): hidden to the line's end.
    ["{ password: [ 'a', 'b'", `{ password: ${R}`],
    ["{ password: [ 'a', 'b'\nnext line", `{ password: ${R}\nnext line`],
    // Nested deeper than read: hidden to its first `]`, the `]`s after it with it.
    [`token: ${'['.repeat(20)}'a'${']'.repeat(20)} x`, `token: ${R} x`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  // After a name whose value runs to the line's end (cookie, authorization), a list went out from
  // its first quote on (2026-12-07): `{"cookie":["sid=abc"]}`, Node's `set-cookie` header array.
  it.each([
    ['{"cookie":["sid=abc123"],"x":1}', `{"cookie":${R},"x":1}`],
    ["{ cookie: [ 'sid=abc123' ] }", `{ cookie: ${R} }`],
    ["{ 'set-cookie': [ 'sid=abc123; Path=/; HttpOnly', 'b=2' ], x: 1 }", `{ 'set-cookie': ${R}, x: 1 }`],
    ['{"Authorization":["Basic Ym9iOmh1bnRlcjI="]}', `{"Authorization":${R}}`],
    // Unquoted, the value ran to the line's end, and still does.
    ['Cookie: [a] b=1', `Cookie: ${R}`],
  ])('after a multi-part name: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('util.inspect of a long list, written over several lines', () => {
    const text = inspect({ password: ['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)], user: 'bob' });
    expect(text).toContain('\n');
    expect(redactor.text(text)).toBe(`{\n  password: ${R},\n  user: 'bob'\n}`);
  });

  it('with a user key name that the separator scan cannot read (the regex path)', () => {
    const withUserName = createRedactor({ keys: ['my key'] });
    expect(withUserName.text("{ password: [ 'hunter2' ], 'my key': 'x' }")).toBe(
      `{ password: ${R}, 'my key': '${R}' }`,
    );
    expect(withUserName.text("{ password: [['a]'], ['b']], 'my key': 'x' }")).toBe(
      `{ password: ${R}, 'my key': '${R}' }`,
    );
  });
});
