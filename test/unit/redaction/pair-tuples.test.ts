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

  // A 2-tuple of field names (2026-12-07): its second item is kept when it is one of a closed list
  // of a form's field names, whole (field-name-items.ts); anything a person might choose as a
  // password stays hidden, a field-like word too.
  it.each([
    "unique_together = ('password', 'email')",
    "[ [ 'password', 'email' ], [ 'token', 'username' ] ]",
    "required('password', 'Email')",
    'fields=[("password", "password_confirmation")]',
    "new Map([['api_key', 'user_id']])",
  ])('kept, a field name: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it.each([
    ["('password', 'password')", `('password', '${R}')`],
    ["('password', 'name')", `('password', '${R}')`],
    ["('password', 'email2')", `('password', '${R}')`],
    ["('password', 'email ')", `('password', '${R}')`],
    ["('password', 'e\\'mail')", `('password', '${R}')`],
    ["('token', 'user')", `('token', '${R}')`],
    // Not closed as a pair: a value cut short, or a third item.
    ["[('password', 'email", `[('password', '${R}`],
  ])('hidden, no field name: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it("with a user's key name", () => {
    expect(createRedactor({ keys: ['tenant_id'] }).text("('tenant_id', 't1')")).toBe(`('tenant_id', '${R}')`);
  });
});
