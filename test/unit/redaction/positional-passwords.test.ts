// Passwords that well-known commands take as a plain positional argument went out whole
// (2026-12-07): `net use \\srv\share P@ssw0rd /user:bob`, `htpasswd -b file user pw`,
// `rabbitmqctl add_user bob pw`, `lftp -u bob,pw host`, `mysqladmin … password NEW`,
// `smbclient //h/s pw -U bob`, in a logged command, a child process's error and
// process.command_args. No flag or `=` names them, so only the tool's own syntax says which word
// is the password (positional-passwords.ts); the user, the file and the host are kept.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('positional passwords in text', () => {
  it.each([
    ['net use \\\\srv\\share P@ssw0rd /user:bob', `net use \\\\srv\\share ${R} /user:bob`],
    [
      'NET USE Z: \\\\srv\\share P@ssw0rd /user:CORP\\bob /persistent:no',
      `NET USE Z: \\\\srv\\share ${R} /user:CORP\\bob /persistent:no`,
    ],
    ['net use \\\\srv\\share /user:bob P@ssw0rd', `net use \\\\srv\\share /user:bob ${R}`],
    ['net user bob P@ssw0rd /add', `net user bob ${R} /add`],
    ['htpasswd -b .htpasswd bob s3cret', `htpasswd -b .htpasswd bob ${R}`],
    ['htpasswd -bc file user pw', `htpasswd -bc file user ${R}`],
    [
      'htpasswd -bB -C 12 /etc/nginx/.htpasswd admin s3cret',
      `htpasswd -bB -C 12 /etc/nginx/.htpasswd admin ${R}`,
    ],
    ['htpasswd -nb bob s3cret', `htpasswd -nb bob ${R}`],
    [
      'Error: Command failed: /usr/bin/htpasswd -b /etc/.htpasswd bob s3cret\nexit 1',
      `Error: Command failed: /usr/bin/htpasswd -b /etc/.htpasswd bob ${R}\nexit 1`,
    ],
    ['rabbitmqctl add_user bob s3cret', `rabbitmqctl add_user bob ${R}`],
    [
      'rabbitmqctl -n rabbit@mq change_password bob "s3 cret"',
      `rabbitmqctl -n rabbit@mq change_password bob "${R}"`,
    ],
    ['lftp -u bob,s3cret sftp://host', `lftp -u bob,${R} sftp://host`],
    ['mysqladmin -u root password NEWPASS', `mysqladmin -u root password ${R}`],
    [
      'mysqladmin -u root -h db password "new pass"; echo ok',
      `mysqladmin -u root -h db password "${R}"; echo ok`,
    ],
    ['smbclient //h/s pw -U bob', `smbclient //h/s ${R} -U bob`],
    ['smbclient -U bob \\\\h\\s pw', `smbclient -U bob \\\\h\\s ${R}`],
    ["spawn 'htpasswd -b f bob s3cret' failed", `spawn 'htpasswd -b f bob ${R}' failed`],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
    expect(redactor.text(expected)).toBe(expected);
  });

  it.each([
    // Without -b htpasswd prompts; `*` prompts for net use; no share, no password.
    'htpasswd -c /etc/.htpasswd bob',
    'htpasswd -D .htpasswd bob',
    'net use Z: \\\\srv\\share * /user:bob',
    'net use Z: /delete',
    'rabbitmqctl list_users',
    'rabbitmqctl delete_user bob',
    'smbclient -L host -U bob',
    'mysqladmin -u root status',
    'lftp -u bob sftp://host',
    // The names inside other words, and the words of the next command.
    'the internet use policy; subnet user bob s3cret',
    'htpasswd -b f u; echo a b c',
  ])('%s is kept', (text) => {
    expect(redactor.text(text)).toBe(text);
  });
});

describe('positional passwords in process.command_args', () => {
  const scrub = (args: string[]) => scrubArgs(args, redactor, R);

  it.each([
    [
      ['net', 'use', '\\\\srv\\share', 'P@ssw0rd', '/user:bob'],
      ['net', 'use', '\\\\srv\\share', R, '/user:bob'],
    ],
    [
      ['C:\\Windows\\System32\\net.exe', 'user', 'bob', 'P@ssw0rd', '/add'],
      ['C:\\Windows\\System32\\net.exe', 'user', 'bob', R, '/add'],
    ],
    [
      ['htpasswd', '-bc', 'file', 'user', 'pw'],
      ['htpasswd', '-bc', 'file', 'user', R],
    ],
    [
      ['rabbitmqctl', 'add_user', 'bob', 's3cret'],
      ['rabbitmqctl', 'add_user', 'bob', R],
    ],
    [
      ['lftp', '-u', 'bob,s3cret', 'host'],
      ['lftp', '-u', `bob,${R}`, 'host'],
    ],
    [
      ['mysqladmin', '-u', 'root', 'password', 'NEWPASS'],
      ['mysqladmin', '-u', 'root', 'password', R],
    ],
    [
      ['smbclient', '//h/s', 'pw', '-U', 'bob'],
      ['smbclient', '//h/s', R, '-U', 'bob'],
    ],
    [
      ['sh', '-c', 'htpasswd -b f bob s3cret'],
      ['sh', '-c', `htpasswd -b f bob ${R}`],
    ],
  ])('%j', (args, expected) => {
    expect(scrub(args)).toEqual(expected);
  });

  it('keeps the arguments of commands that take no password there', () => {
    const args = ['htpasswd', '-D', 'file', 'bob', '&&', 'net', 'use', 'Z:', '/delete', 'x'];
    expect(scrub(args)).toEqual(args);
  });

  it('hides them in a span attribute', () => {
    const attributes = { 'process.command_args': ['rabbitmqctl', 'change_password', 'bob', 's3cret'] };
    redactor.attributes(attributes);
    expect(attributes['process.command_args']).toEqual(['rabbitmqctl', 'change_password', 'bob', R]);
  });
});
