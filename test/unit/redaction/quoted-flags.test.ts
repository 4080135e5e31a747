// A flag written as a quoted item of a list went out with its value (2026-12-07): a logged
// `process.argv` (`console.log(process.argv)`, pino's or winston's util.inspect of it), a spawn
// error's `spawnargs`, an argument list as JSON. cli-flags.ts found flags only after a blank, and the
// SQL pass took the `, ` between `'--password'` and its value for a quoted password, so
// `[ '--password', 'hunter2' ]` went out as `[ '--password'[REDACTED]'hunter2' ]`.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('a flag that is a quoted item of a list: its value, the next item, is hidden', () => {
  it.each([
    [
      "argv: [ 'node', 'app.js', '--password', 'hunter2' ]",
      `argv: [ 'node', 'app.js', '--password', '${R}' ]`,
    ],
    ['["node","app.js","--password","hunter2"]', `["node","app.js","--password","${R}"]`],
    ["[ '--api-key', 'abc123', '--verbose' ]", `[ '--api-key', '${R}', '--verbose' ]`],
    [
      '{"args":["--db-password","s3cret"],"cmd":"migrate"}',
      `{"args":["--db-password","${R}"],"cmd":"migrate"}`,
    ],
    ["node app.js '--password' 'hunter2'", `node app.js '--password' '${R}'`],
    ['node app.js "--token" "abc"', `node app.js "--token" "${R}"`],
    // One dash (Go's flags), the user flags (user:pw), a tool's short flag on its line, OpenSSL's pass phrase.
    ["[ 'terraform', '-password', 'hunter2' ]", `[ 'terraform', '-password', '${R}' ]`],
    ["[ 'curl', '-u', 'bob:hunter2', 'http://x' ]", `[ 'curl', '-u', 'bob:${R}', 'http://x' ]`],
    ['["curl","--user","bob:hunter2"]', `["curl","--user","bob:${R}"]`],
    [
      "[ 'sshpass', '-p', 'hunter2', 'ssh', 'deploy@host' ]",
      `[ 'sshpass', '-p', '${R}', 'ssh', 'deploy@host' ]`,
    ],
    ["[ 'openssl', 'rsa', '-passin', 'pass:hunter2' ]", `[ 'openssl', 'rsa', '-passin', 'pass:${R}' ]`],
    // An escaped quote inside the value is read past (JSON, util.inspect).
    ['["--password","a\\"b c"]', `["--password","${R}"]`],
    ["[ '--password', 'it\\'s' ]", `[ '--password', '${R}' ]`],
  ])('%s', (input, expected) => {
    expect(redactor.text(input)).toBe(expected);
  });

  it('util.inspect of a long argument list, broken over lines', () => {
    const argv = [
      '/usr/local/bin/node',
      '/srv/app/dist/server.js',
      '--port',
      '8080',
      '--db-password',
      'hunter2',
    ];
    argv.push(...Array.from({ length: 8 }, (_, i) => `--flag-${i}`));
    const text = inspect({ argv }, { breakLength: 60 });
    expect(text).toContain('\n');
    const out = redactor.text(text);
    expect(out).not.toContain('hunter2');
    expect(out).toContain(`'--db-password'`);
    expect(out).toContain(`'${R}'`);
    expect(out).toContain(`'8080'`);
  });

  it("a spawn error's spawnargs, as util.inspect prints it", () => {
    const error = Object.assign(new Error('spawn pg_dump ENOENT'), {
      code: 'ENOENT',
      path: 'pg_dump',
      spawnargs: ['--host', 'db', '--password', 'hunter2'],
    });
    const out = redactor.text(inspect(error));
    expect(out).not.toContain('hunter2');
    expect(out).toContain(`'--password', '${R}'`);
  });

  it('a value item that does not close on its line is hidden to the line end', () => {
    expect(redactor.text(`[ '--password', 'hunter2 and more\nnext line`)).toBe(
      `[ '--password', '${R}\nnext line`,
    );
  });
});

describe('what is kept', () => {
  it.each([
    // No secret flag, or no value item after it.
    "[ 'node', 'app.js', '--port', '8080', '--verbose' ]",
    "[ '--password', '--verbose' ]",
    "[ '--password' ]",
    "'--password' is required",
    '["--password", ""]',
    // A tool's short flag away from its tool: ssh's port, docker's port mapping.
    "[ 'ssh', '-p', '2222', 'deploy@host' ]",
    "[ 'docker', 'run', '-p', '8080:80', 'nginx' ]",
    // mysql's `-p` as its own item prompts: the next item is the database.
    "[ 'mysql', '-u', 'root', '-p', 'shop' ]",
    // A numeric uid:gid after -u (docker's).
    "[ 'docker', 'run', '-u', '1000:1000', 'alpine' ]",
    // A quoted `password` word: MySQL's error, and the same as a list item with a dash.
    "Unknown column 'password' in 'field list'",
    "options: [ 'password', 'token' ]",
  ])('%s', (input) => {
    expect(redactor.text(input)).toBe(input);
  });

  it("SQL's quoted password right after the keyword is still hidden", () => {
    expect(redactor.text("ALTER USER bob WITH PASSWORD'hunter2'")).toBe(`ALTER USER bob WITH PASSWORD'${R}'`);
    expect(redactor.text("ALTER USER bob WITH PASSWORD 'hunter2'")).toBe(
      `ALTER USER bob WITH PASSWORD '${R}'`,
    );
  });
});
