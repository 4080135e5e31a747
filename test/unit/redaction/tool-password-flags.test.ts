// Short password flags of other tools went out whole (2026-12-06, evening), in text and in
// process.command_args: `sshpass -p pw`, `docker login -p pw` (podman's too), `sqlcmd -P pw`,
// `ldapsearch -w pw` (and the other OpenLDAP clients). Elsewhere these flags are common and hold
// no secret (`ssh -p 22`, `docker run -p 8080:80`, `curl -w '%{http_code}'`, `grep -P`), so, as
// redis-cli's `-a`, each counts only on a line (an argument list) that names its tool.
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('short password flags after the tools that take them', () => {
  it.each([
    ['sshpass -p s3cret ssh deploy@host', `sshpass -p ${R} ssh deploy@host`],
    ['docker login -u bob -p s3cret ghcr.io', `docker login -u bob -p ${R} ghcr.io`],
    ['podman login -p "my pw" quay.io', `podman login -p "${R}" quay.io`],
    ['sqlcmd -S db -U sa -P s3cret -Q "select 1"', `sqlcmd -S db -U sa -P ${R} -Q "select 1"`],
    ['ldapsearch -x -D cn=admin,dc=x -w s3cret -b dc=x', `ldapsearch -x -D cn=admin,dc=x -w ${R} -b dc=x`],
    ['ldapmodify -D cn=admin -w s3cret -f x.ldif', `ldapmodify -D cn=admin -w ${R} -f x.ldif`],
    // An `ldap://` address between the tool and its flag names no other tool.
    ['ldapsearch -H ldap://h -D cn=x -w s3cret', `ldapsearch -H ldap://h -D cn=x -w ${R}`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'ssh -p 22 host; docker run -p 8080:80 img; docker push -p x',
    "curl -w '%{http_code}' ldap://host; grep -P 'a+' f; sqlcmd -S db -E",
    'sshpass -f ~/.pw ssh host\nssh -p 22 host',
    'docker login\n-p 8080',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in process.command_args', () => {
    const cases: [string[], string[]][] = [
      [
        ['sshpass', '-p', 's3cret', 'ssh', 'host'],
        ['sshpass', '-p', R, 'ssh', 'host'],
      ],
      [
        ['/opt/mssql-tools/bin/sqlcmd', '-S', 'db', '-P', 's3cret'],
        ['/opt/mssql-tools/bin/sqlcmd', '-S', 'db', '-P', R],
      ],
      [
        ['ldapsearch', '-x', '-w', 's3cret'],
        ['ldapsearch', '-x', '-w', R],
      ],
      [
        ['docker', 'login', '-u', 'bob', '-p', 's3cret'],
        ['docker', 'login', '-u', 'bob', '-p', R],
      ],
      [
        ['docker', 'run', '-p', '8080:80', 'img'],
        ['docker', 'run', '-p', '8080:80', 'img'],
      ],
      [
        ['ssh', '-p', '22', 'host'],
        ['ssh', '-p', '22', 'host'],
      ],
    ];
    for (const [args, expected] of cases) {
      const attributes = { 'process.command_args': args };
      redactor.attributes(attributes);
      expect(attributes['process.command_args']).toEqual(expected);
    }
  });
});
