// What is no secret must survive scrubbing (2026-12-07). Real messages lost what a reader needs:
// OpenSSL's `-passout env:P12PASS` (where the password is, not the password) went out as
// `-p[REDACTED] env:P12PASS` in process.command_args and as `-pass [REDACTED]` in text, and the
// flags after `-passin pass:pw` went with the password; a parser's `Invalid token: expected ','`
// lost `expected`; MySQL's `(using password: YES)` lost `YES)`; Redis's `ERR AUTH <password> called
// without any password configured…` lost all its prose; MySQL's `Unknown column 'password' in
// 'field list'` lost ` in `; SQLite's `near "password": syntax error` lost `syntax`; and
// `password: undefined` in a config error hid that the password was not set.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('kept in text', () => {
  it.each([
    'openssl pkcs12 -export -passout env:P12PASS -in a.pem',
    'openssl rsa -passin file:/run/secrets/pw -in k.pem',
    'openssl enc -aes256 -pass env:MYPW -in f',
    'openssl enc -aes-256-cbc -pass stdin -in f',
    'openssl rsa -passin fd:3 -in k.pem',
    "SyntaxError: Invalid token: expected ',' at line 1",
    'JsonWebTokenError: invalid token: signature verification failed',
    'Error: Invalid access token: expired',
    'Error: Refresh token: not found',
    "ER_ACCESS_DENIED_ERROR: Access denied for user 'root'@'localhost' (using password: YES)",
    "Access denied for user 'app'@'10.0.0.7' (using password: NO)",
    'ReplyError: ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    "ER_BAD_FIELD_ERROR: Unknown column 'password' in 'field list'",
    'SQLITE_ERROR: near "password": syntax error',
    'config error: password: undefined, token: null',
    'settings: {"api_key": None}',
    // Near the shapes scrubbed since 2026-12-07 (helper-48): a value first under a name that is no
    // secret, a Buffer under such a name, Make's `?=` for one, field names as a tuple, a group of
    // commands that write nothing into a reader.
    'value: 3, name: "retries"',
    '{ data: <Buffer 68 75 6e 74 65 72 32> }',
    'RETRIES ?= 3 CFLAGS += -O2',
    "fields = ('username', 'password', 'email')",
    '(cat pw.txt) | passwd bob',
    'user\\u003dbob',
    // Near the shapes scrubbed since 2026-12-07 (helper-52): a typed array under a name that is no
    // secret, another command's output piped with `|&` into a reader.
    '{ data: Uint8Array(7) [ 104, 117, 110, 116, 101, 114, 50 ] }',
    'cat f |& docker login --password-stdin',
    // Near the shapes scrubbed since 2026-12-07 (h2-signatures): `signature` alone is no secret name,
    // OAuth's signature method is no signature, a header named without a value, a Redis setting
    // that is no password.
    'signature verified',
    'signature=valid',
    'oauth_signature_method=HMAC-SHA1',
    'x-hub-signature-256 header missing',
    'redis-cli CONFIG SET maxmemory 100mb',
  ])('%s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it.each([
    // The password in the pass phrase argument goes, the flags after it stay.
    [
      'openssl pkcs12 -export -passout pass:xyz -in a.pem',
      `openssl pkcs12 -export -passout pass:${R} -in a.pem`,
    ],
    ['openssl enc -pass pass:hunter2 -in f', `openssl enc -pass pass:${R} -in f`],
    ['openssl rsa -passin hunter2 -in k.pem', `openssl rsa -passin ${R} -in k.pem`],
    // Still secrets: a token at a line's start, a word with digits, a password.
    ['token: expected', `token: ${R}`],
    ['Invalid token: abc123 at line 1', `Invalid token: ${R} at line 1`],
    ['login failed, password: expected', `login failed, password: ${R}`],
    ['(using password: hunter2)', `(using password: ${R}`],
    ['password: nullable', `password: ${R}`],
    ['ERR AUTH <password>hunter2', `ERR AUTH <password>${R}`],
    ["ALTER USER bob PASSWORD 's3cret'", `ALTER USER bob PASSWORD '${R}'`],
    ["WHERE 'password'='x'", `WHERE 'password'='${R}'`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});

describe('kept in process.command_args', () => {
  const scrub = (args: string[]) => scrubArgs(args, redactor, R);

  it.each([
    [['openssl', 'pkcs12', '-export', '-passout', 'env:P12PASS', '-in', 'a.pem']],
    [['openssl', 'rsa', '-passin', 'file:/run/secrets/pw']],
    [['openssl', 'enc', '-pass', 'stdin']],
  ])('%j', (args) => {
    expect(scrub(args)).toEqual(args);
  });

  it.each([
    [
      ['openssl', 'rsa', '-passin', 'pass:xyz'],
      ['openssl', 'rsa', '-passin', `pass:${R}`],
    ],
    [
      ['openssl', 'rsa', '-passin', 'hunter2'],
      ['openssl', 'rsa', '-passin', R],
    ],
    // A one-dash secret flag keeps its name and hides the next argument (Go's `-password pw`
    // went out as `-p[REDACTED]` and `pw`); after mysql, `-password` is `-p` and `assword`.
    [
      ['tool', '-password', 's3cret', '-passphrase', 'a b'],
      ['tool', '-password', R, '-passphrase', R],
    ],
    [
      ['mysql', '-password', 'db'],
      ['mysql', `-p${R}`, 'db'],
    ],
    [
      ['tool', '-pfoo', 'x'],
      ['tool', `-p${R}`, 'x'],
    ],
  ])('%j', (args, expected) => {
    expect(scrub(args)).toEqual(expected);
  });
});
