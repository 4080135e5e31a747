// A secret as a pair of two quoted items went out (2026-12-07): Python's `('password', 'hunter2')`
// (a list of pairs, `dict.items()`, `urlencode`'s input), JavaScript's `Object.entries()` as
// util.inspect prints it (`[ [ 'password', 'hunter2' ] ]`) and `new Map([['token', 'abc']])`. No
// `=` or `:` joins name and value. A list of field names stays.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a name and a value as a pair of quoted items', () => {
  it.each([
    ["('password', 'hunter2')", `('password', '${R}')`],
    ['[("token", "abc"), ("user", "bob")]', `[("token", "${R}"), ("user", "bob")]`],
    ["data=[('db_password', 'a b'), ('x', '1')]", `data=[('db_password', '${R}'), ('x', '1')]`],
    ["[ [ 'password', 'hunter2' ], [ 'user', 'bob' ] ]", `[ [ 'password', '${R}' ], [ 'user', 'bob' ] ]`],
    ["new Map([['api_key', 'abc']])", `new Map([['api_key', '${R}']])`],
    ['("clientSecret", "a\\"b")', `("clientSecret", "${R}")`],
    // Cut short: the rest of the line.
    ["[('password', 'hunt", `[('password', '${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    "('user', 'bob')",
    "fields = ('username', 'password', 'email')",
    "('password',)",
    "('password', None)",
    "required: ['password', 'email']",
    "['token', 'abc']",
    "('password_policy', 'strict')",
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it("with a user's key name", () => {
    expect(createRedactor({ keys: ['tenant_id'] }).text("('tenant_id', 't1')")).toBe(`('tenant_id', '${R}')`);
  });
});
