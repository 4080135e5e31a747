import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';
import { hashSql, maskSql } from '../../../src/redaction/sql.js';

describe('maskSql', () => {
  it.each([
    [
      "SELECT * FROM users WHERE email = 'a@b.c' AND id = 42",
      'SELECT * FROM users WHERE email = ? AND id = ?',
    ],
    [
      "INSERT INTO t (a, \"B\", `c`) VALUES ($1, 'it''s', 0xDEAD, 1.5e3)",
      'INSERT INTO t (a, "B", `c`) VALUES ($1, ?, ?, ?)',
    ],
    [
      'select a1, t.col2 from tbl1 where d in (1, 2, 3) and f = :name and g = ?',
      'select a1, t.col2 from tbl1 where d in (?, ?, ?) and f = :name and g = ?',
    ],
    ["SELECT $$secret 'x'$$, $tag$ s $tag$", 'SELECT ?, ?'],
    ["UPDATE u SET pw = E'a\\'b' -- note 'x'", 'UPDATE u SET pw = ? -- ?'],
    ["SELECT 1 /* don't */ FROM t WHERE pw = 'unterminated", 'SELECT ? /* ? */ FROM t WHERE pw = ?'],
  ])('%s', (input, expected) => {
    expect(maskSql(input)).toBe(expected);
  });

  it('hashes with a sha256: prefix', () => {
    expect(hashSql('select 1')).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

// MySQL and MariaDB read `"…"` as a string literal (unless ANSI_QUOTES), so the mysql and mysql2
// instrumentations' `db.query.text` of `ALTER USER … IDENTIFIED BY "…"` went out with the password:
// double-quoted text was kept as an identifier whatever the database.
describe('double-quoted strings of MySQL and MariaDB', () => {
  it.each([
    [`ALTER USER 'app'@'%' IDENTIFIED BY "hunter2"`, 'ALTER USER ?@? IDENTIFIED BY ?'],
    ['SET PASSWORD FOR app = "a""b\\"c" -- x', 'SET PASSWORD FOR app = ? -- ?'],
    ['UPDATE t SET v = "unterminated', 'UPDATE t SET v = ?'],
  ])('%s', (input, expected) => {
    expect(maskSql(input, true)).toBe(expected);
  });

  it.each([
    ['db.system.name', 'mysql', 'db.query.text'],
    ['db.system', 'mariadb', 'db.statement'],
  ])('%s=%s masks them in %s; PostgreSQL keeps its identifiers', (systemKey, system, textKey) => {
    const r = createRedactor();
    const mysql = { [textKey]: 'ALTER USER app IDENTIFIED BY "hunter2"', [systemKey]: system };
    const pg = { [textKey]: 'SELECT "Name" FROM t WHERE k = \'x\'', [systemKey]: 'postgresql' };
    r.attributes(mysql);
    r.attributes(pg);
    expect(mysql[textKey]).toBe('ALTER USER app IDENTIFIED BY ?');
    expect(pg[textKey]).toBe('SELECT "Name" FROM t WHERE k = ?');
  });
});

// MongoDB's and Elasticsearch's statements are JSON documents. Masking reads `"…"` as a name (as
// SQL's identifiers are), so a filter on a password, an API key in a query, went out whole.
describe('a JSON statement', () => {
  it.each([
    [
      'mongodb',
      '{"find":"users","filter":{"password":"hunter2","name":"bob","age":42}}',
      '{"find":"users","filter":{"password":"[REDACTED]","name":"bob","age":?}}',
    ],
    [
      'elasticsearch',
      '{"query":{"match":{"api_key":"abc123"}}}',
      '{"query":{"match":{"api_key":"[REDACTED]"}}}',
    ],
    [
      'mongodb',
      ' [ {"insertOne":{"document":{"client_secret":"s3 cret","n":1}}}]',
      ' [ {"insertOne":{"document":{"client_secret":"[REDACTED]","n":?}}}]',
    ],
  ])('%s: %s has its secret values scrubbed, its names kept', (system, statement, expected) => {
    const attributes = { 'db.system.name': system, 'db.query.text': statement };
    createRedactor().attributes(attributes);
    expect(attributes['db.query.text']).toBe(expected);
  });

  it.each([
    ["{call set_password('hunter2')}", '{call set_password(?)}'],
    ['{ fn UCASE(name) }', '{ fn UCASE(name) }'],
    ['SELECT \'{"password":"x"}\'', 'SELECT ?'],
  ])('SQL is not taken for JSON: %s', (statement, expected) => {
    const attributes = { 'db.system.name': 'postgresql', 'db.query.text': statement };
    createRedactor().attributes(attributes);
    expect(attributes['db.query.text']).toBe(expected);
  });
});

// Oracle takes the password of `IDENTIFIED BY` bare or double-quoted (its documented form for one
// with special characters), which masking kept as a word or an identifier: the oracledb
// instrumentation's `CREATE USER scott IDENTIFIED BY tiger` went out with the password.
describe('the password after IDENTIFIED BY, in any dialect', () => {
  it.each([
    ['CREATE USER scott IDENTIFIED BY tiger', 'CREATE USER scott IDENTIFIED BY ?'],
    [
      'alter user scott identified by "Tiger#1" account unlock',
      'alter user scott identified by ? account unlock',
    ],
    ['ALTER USER x IDENTIFIED\n  BY t1ger;', 'ALTER USER x IDENTIFIED\n  BY ?;'],
    ["ALTER USER 'app'@'%' IDENTIFIED BY 'hunter2'", 'ALTER USER ?@? IDENTIFIED BY ?'],
    // Not a password: `IDENTIFIED EXTERNALLY`, `IDENTIFIED WITH plugin`, a column named so.
    ['CREATE USER ops IDENTIFIED EXTERNALLY', 'CREATE USER ops IDENTIFIED EXTERNALLY'],
    ['SELECT identified FROM t', 'SELECT identified FROM t'],
  ])('%s', (input, expected) => {
    const attributes = { 'db.statement': input, 'db.system': 'oracle' };
    createRedactor().attributes(attributes);
    expect(attributes['db.statement']).toBe(expected);
  });
});

// Masking takes literals only, and a Redis command's arguments are bare words: the ioredis/redis
// spans of `SISMEMBER revoked <JWT>` or `GET cache:ghp_…` went out with the token, since value
// patterns (JWTs, cloud and GitHub keys) never ran on database statements.
describe('value patterns in database statements', () => {
  const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  const GH = `ghp_${'a1B2'.repeat(9)}`;
  it.each([
    [`SISMEMBER revoked ${JWT}`, 'SISMEMBER revoked [REDACTED]'],
    [`GET cache:${GH}`, 'GET cache:[REDACTED]'],
    [`SELECT * FROM t WHERE k = 'AKIAIOSFODNN7EXAMPLE' -- ${JWT}`, 'SELECT * FROM t WHERE k = ? -- ?'],
    // The auth-scheme pattern does not run here: `token varchar` is a column, not a credential.
    [
      'CREATE TABLE s (token varchar(255), basic integer)',
      'CREATE TABLE s (token varchar(?), basic integer)',
    ],
  ])('%s', (statement, expected) => {
    const attributes = { 'db.query.text': statement, 'db.system.name': 'redis' };
    createRedactor().attributes(attributes);
    expect(attributes['db.query.text']).toBe(expected);
  });

  it('and the user patterns', () => {
    const attributes = { 'db.statement': 'HGET accounts acct-123456' };
    createRedactor({ patterns: [/\bacct-\d{6}\b/] }).attributes(attributes);
    expect(attributes['db.statement']).toBe('HGET accounts [REDACTED]');
  });
});
