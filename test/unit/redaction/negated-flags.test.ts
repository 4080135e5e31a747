// A negated boolean flag takes no value: `--no-password x` turns a prompt off, and `x` is the next
// argument (a file, a database, a host). It went out as `--no-password [REDACTED]` (2026-12-07):
// the flag's name ends in `password`, so the next word was read as its value. Only the
// `--no-<secret name>` form is read so; `--password x` and `--nopassword x` still hide `x`.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a negated secret flag keeps the next word', () => {
  it.each([
    'pg_dump --no-password appdb',
    'psql --no-password -h db appdb',
    'tool --no-token sync',
    'deploy --no-api-key\tstaging',
    "argv: [ 'node', 'cli.js', '--no-password', 'backup.sql' ]",
    '["cli","--no-auth-token","status"]',
  ])('%s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it.each([
    ['mysqladmin --password hunter2 status', `mysqladmin --password ${R} status`],
    ['tool --nopassword hunter2', `tool --nopassword ${R}`],
    ['tool --no-password=hunter2', `tool --no-password=${R}`],
    ['tool --no-verify --token abc', `tool --no-verify --token ${R}`],
    ['tool --no-password x --password hunter2', `tool --no-password x --password ${R}`],
    ["[ '--password', 'hunter2', '--no-password', 'x' ]", `[ '--password', '${R}', '--no-password', 'x' ]`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('in an argument list', () => {
    const scrub = (args: string[]) => scrubArgs(args, redactor, R);
    expect(scrub(['pg_dump', '--no-password', 'appdb'])).toEqual(['pg_dump', '--no-password', 'appdb']);
    expect(scrub(['tool', '--password', 'hunter2', '--no-token', 'x'])).toEqual([
      'tool',
      '--password',
      R,
      '--no-token',
      'x',
    ]);
  });
});
