// Oracle logins that oracle-logins.ts let out (2026-12-06, evening): a tool named by a relative
// path (`bin/sqlplus`: the path was read as a login of its own, and a word read as one named no
// tool), sqlplus flags with values before the login (`-M "HTML ON"`, `-R 3`; two flags at most
// were looked past, none with a value), and a quoted user (`"scott"/tiger@orcl`). And cli-flags.ts
// missed a flag after a lone `\r` (a line end it read after a tab and `\n` only).
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('Oracle logins', () => {
  it.each([
    ['bin/sqlplus scott/tiger@orcl', `bin/sqlplus scott/${R}@orcl`],
    ['./sqlplus scott/tiger@orcl', `./sqlplus scott/${R}@orcl`],
    ['u01/app/oracle/bin/sqlplus -S scott/tiger', `u01/app/oracle/bin/sqlplus -S scott/${R}`],
    ['tools/expdp.exe system/manager@pdb1 full=y', `tools/expdp.exe system/${R}@pdb1 full=y`],
    ['sqlplus -S -L -M "HTML ON" scott/tiger@orcl', `sqlplus -S -L -M "HTML ON" scott/${R}@orcl`],
    ['sqlplus -R 3 scott/tiger', `sqlplus -R 3 scott/${R}`],
    ['sqlplus -L -M HTML scott/tiger@orcl', `sqlplus -L -M HTML scott/${R}@orcl`],
    [
      "sqlplus -markup 'HTML ON SPOOL ON' -restrict 2 -compatibility 19.0 -nologintime -s scott/tiger@orcl",
      `sqlplus -markup 'HTML ON SPOOL ON' -restrict 2 -compatibility 19.0 -nologintime -s scott/${R}@orcl`,
    ],
    ['sqlplus "scott"/tiger@orcl', `sqlplus "scott"/${R}@orcl`],
    [`sqlplus '"Scott"/tiger@orcl'`, `sqlplus '"Scott"/${R}@orcl'`],
    ['SQL> connect "My User"/pw@pdb1', `SQL> connect "My User"/${R}@pdb1`],
    ['sqlldr userid="scott"/tiger control=x.ctl', `sqlldr userid="scott"/${R} control=x.ctl`],
    [
      'ORA-12541 connecting to "app"/s3cret@db.example:1521/ORCL',
      `ORA-12541 connecting to "app"/${R}@db.example:1521/ORCL`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // A path that ends in no tool, a tool's name inside a file name, and exp by a path (with a target only).
    'bin/deploy org/app@v2; src/sqlplus.ts a/b; lib/sqlplus',
    // A word that is no flag's value, and a value after a flag that takes none.
    'sqlplus -S @scripts/run.sql a/b; sqlplus -S x a/b; grep -R 3 a/b; sqlplus -M x a/b; sqlplus -R 3 x a/b',
    'echo "run sqlplus" scott/tiger; sqlplus -M "unclosed a/b',
    // Quotes that hold no user.
    'sqlplus ""/x; "src"/foo@1.2.3 "a"/b@c; sqlplus "a"b/c',
    'sqlplus / as sysdba; sqlplus -R 3 /nolog',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in process.command_args: a relative tool path, flags with values, a quoted user', () => {
    const cases: [string[], string[]][] = [
      [
        ['bin/sqlplus', '-M', 'HTML ON', 'scott/tiger@orcl'],
        ['bin/sqlplus', '-M', 'HTML ON', `scott/${R}@orcl`],
      ],
      [
        ['sqlplus', '-S', '"scott"/tiger@orcl'],
        ['sqlplus', '-S', `"scott"/${R}@orcl`],
      ],
      [
        ['node', '"a"/b@c'],
        ['node', '"a"/b@c'],
      ],
    ];
    for (const [args, expected] of cases) {
      const attributes = { 'process.command_args': args };
      redactor.attributes(attributes);
      expect(attributes['process.command_args']).toEqual(expected);
    }
  });
});

describe('command-line flags after a lone carriage return', () => {
  it.each([
    ['x\r--password hunter2', `x\r--password ${R}`],
    ['mysql\r-pS3cret app', `mysql\r-p${R} app`],
    ['redis-cli\r-a s3cret ping', `redis-cli\r-a ${R} ping`],
    ['curl\r-u bob:pw https://x', `curl\r-u bob:${R} https://x`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it('kept: flags that hold no secret after \\r', () => {
    const text = 'ls\r-a /tmp\r-pv\r--verbose x';
    expect(redactor.text(text)).toBe(text);
  });
});
