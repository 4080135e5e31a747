import { describe, expect, it } from 'vitest';
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
