// A SQL statement's password quoted in text went out whole (2026-12-07): an error that echoes the
// statement (`… LINE 1: CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'md5…'`), `psql -c "ALTER USER …
// WITH PASSWORD 's3cret'"`, `mysql -e "… IDENTIFIED BY 's3cret'"`. sql.ts masks them in
// db.statement; in text `PASSWORD 'x'` has no `=` or `:` for the name=value rules.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('SQL passwords in text', () => {
  it.each([
    [`psql -c "ALTER USER bob WITH PASSWORD 's3cret'"`, `psql -c "ALTER USER bob WITH PASSWORD '${R}'"`],
    [
      `mysql -e "CREATE USER 'bob'@'%' IDENTIFIED BY 's3cret'"`,
      `mysql -e "CREATE USER 'bob'@'%' IDENTIFIED BY '${R}'"`,
    ],
    [
      `ERROR: syntax error LINE 1: CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'md5abc' VALID UNTIL`,
      `ERROR: syntax error LINE 1: CREATE ROLE app LOGIN ENCRYPTED PASSWORD '${R}' VALID UNTIL`,
    ],
    [
      `ALTER USER 'bob'@'localhost' IDENTIFIED WITH caching_sha2_password BY 'n3w;pw'`,
      `ALTER USER 'bob'@'localhost' IDENTIFIED WITH caching_sha2_password BY '${R}'`,
    ],
    // Oracle's bare and double-quoted forms, and a hash after VALUES.
    ['CREATE USER scott IDENTIFIED BY tiger;', `CREATE USER scott IDENTIFIED BY ${R};`],
    [
      'create user scott identified by "Ti ger" default tablespace users',
      `create user scott identified by "${R}" default tablespace users`,
    ],
    [`alter user scott identified by values 'S:ABCDEF'`, `alter user scott identified by values '${R}'`],
    // MySQL's function, an escaped quote, a value cut at the text's end.
    [`SET PASSWORD FOR 'bob'@'%' = PASSWORD('s3cret')`, `SET PASSWORD FOR 'bob'@'%' = PASSWORD('${R}')`],
    [`the password 'it''s' is wrong`, `the password '${R}' is wrong`],
    [`CREATE USER x PASSWORD 'cut-at-the-e`, `CREATE USER x PASSWORD '${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    `password '' empty; PASSWORD NULL; password expire; passwords 'x'; db_password 'y'`,
    'IDENTIFIED EXTERNALLY; password reset email sent; identified by',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});
