// Values after a secret name that are no secret, hidden until 2026-12-07: Zod's `password:
// Required` (a validation error: the password was missing), the shell's working directory in an
// environment dump (`PWD=/home/bob`, `OLDPWD=…`: `pwd` is also ODBC's password name), and a test
// runner's count (`pass: 3 of 10 tests`). Each rule is narrow: the same names with a value that
// could be a password stay hidden.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('kept after a secret name', () => {
  it.each([
    'ZodError: password: Required',
    'invalid input: password: Required, email: Invalid email',
    'Password: Required\nusername: Required',
    'PWD=/home/bob\nOLDPWD=/srv/app/releases/2026-12-07_1\nHOME=/home/bob',
    'env: PWD=/home/bob SHLVL=1',
    '{"PWD":"/home/bob","SHLVL":"1"}',
    "{ PWD: '/home/bob/my project', OLDPWD: '/' }",
    'pass: 3 of 10 tests',
    '# tests 10\n# pass 3\n# fail 7',
    'ℹ pass 3\nℹ fail 0',
    'pass: 3/10, fail: 7',
    'Pass: 12 passed',
    'summary { pass: 3, fail: 1, skip: 0 }',
  ])('%s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it.each([
    // Zod's word only, as written and as the whole value.
    ['password: required', `password: ${R}`],
    ['password: Required1', `password: ${R}`],
    ['"password": "Required"', `"password": "${R}"`],
    ['password: Required now', `password: ${R}`],
    // A password-like value, or a name that only ends in `PWD`, stays hidden.
    ['PWD=s3cret', `PWD=${R}`],
    ['Driver={ODBC};UID=bob;PWD=/s3cret;', `Driver={ODBC};UID=bob;PWD=${R};`],
    ['DB_PWD=/home/bob MYSQL_PWD=x pwd=/home/bob', `DB_PWD=${R} MYSQL_PWD=${R} pwd=${R}`],
    ['PWD=/tmp/x$y!', `PWD=${R}`],
    ['PWD_HASH=/a', 'PWD_HASH=/a'],
    // Longer than PATH_MAX: no working directory.
    [`PWD=/${'a/'.repeat(2048)}`, `PWD=${R}`],
    // A real `pass:` value, and a number with nothing that says it is a count.
    ['pass: hunter2', `pass: ${R}`],
    ['pass: 1234', `pass: ${R}`],
    ['pass: 3 of them', `pass: ${R}`],
    ['DB_PASS: 3 of 10 tests', `DB_PASS: ${R}`],
  ])('hidden: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });
});
