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
