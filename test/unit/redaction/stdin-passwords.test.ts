// Passwords piped into a command that reads them from standard input went out whole (2026-12-07):
// `echo 's3cret' | docker login -u bob --password-stdin registry` (podman, helm, oras, … take the
// same flag), `echo 'bob:s3cret' | chpasswd`, `chpasswd <<< 'bob:s3cret'`, `echo pw | passwd
// --stdin bob`, `echo pw | sudo -S cmd`. No flag or `=` names the value: the command after the pipe
// says it is a password. What only says where the password comes from (a file, a variable, another
// command's output) is kept.
import { describe, expect, it } from 'vitest';
import { scrubArgs } from '../../../src/redaction/args.js';
import { createRedactor } from '../../../src/redaction/redactor.js';

const redactor = createRedactor();
const R = '[REDACTED]';

describe('passwords piped into a command that reads them from stdin', () => {
  it.each([
    [
      "echo 's3cret' | docker login -u bob --password-stdin registry",
      `echo '${R}' | docker login -u bob --password-stdin registry`,
    ],
    ['echo s3cret | docker login --password-stdin', `echo ${R} | docker login --password-stdin`],
    [
      'echo -n "s3cret" | podman login --password-stdin q.io',
      `echo -n "${R}" | podman login --password-stdin q.io`,
    ],
    [
      "printf '%s' s3cret | docker login --password-stdin",
      `printf '%s' ${R} | docker login --password-stdin`,
    ],
    [
      "printf 's3cret' | helm registry login --password-stdin r.io",
      `printf '${R}' | helm registry login --password-stdin r.io`,
    ],
    ['/bin/echo s3cret|docker login --password-stdin', `/bin/echo ${R}|docker login --password-stdin`],
    ['docker login -u bob --password-stdin <<< s3cret', `docker login -u bob --password-stdin <<< ${R}`],
    ["docker login --password-stdin <<<'s3cret' r.io", `docker login --password-stdin <<<'${R}' r.io`],
    ['echo s3cret | gh auth login --with-token', `echo ${R} | gh auth login --with-token`],
    ["echo 'bob:s3cret' | chpasswd", `echo 'bob:${R}' | chpasswd`],
    ["echo 'bob:s3cret' | sudo chpasswd", `echo 'bob:${R}' | sudo chpasswd`],
    ["chpasswd <<< 'bob:s3cret'", `chpasswd <<< 'bob:${R}'`],
    ['echo bob:s3cret | /usr/sbin/chpasswd -c SHA512', `echo bob:${R} | /usr/sbin/chpasswd -c SHA512`],
    ['echo s3cret | passwd --stdin bob', `echo ${R} | passwd --stdin bob`],
    ["echo 's3cret' | sudo -S apt-get update", `echo '${R}' | sudo -S apt-get update`],
    ['echo s3cret | sudo --stdin -E ls', `echo ${R} | sudo --stdin -E ls`],
    [
      // Quoted whole, as `sh -c` logs it; a command before and after on the line.
      `exec: sh -c "cd /app && echo s3cret | docker login -u bob --password-stdin r.io; make"`,
      `exec: sh -c "cd /app && echo ${R} | docker login -u bob --password-stdin r.io; make"`,
    ],
    [
      'echo a1 | docker login --password-stdin x; echo b2 | docker login --password-stdin y',
      `echo ${R} | docker login --password-stdin x; echo ${R} | docker login --password-stdin y`,
    ],
  ])('%s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Where the password comes from, not the password.
    'cat pw.txt | docker login -u bob --password-stdin registry',
    'echo "$REGISTRY_PASSWORD" | docker login -u bob --password-stdin registry',
    'echo $PW | docker login --password-stdin',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, not a template.
    'printf \'%s\' "${PW}" | docker login --password-stdin',
    'aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin 1.dkr.ecr.eu-west-1.amazonaws.com',
    'echo "$(cat /run/secrets/pw)" | docker login --password-stdin',
    'docker login --password-stdin < pw.txt',
    'echo "bob:$PW" | chpasswd',
    'chpasswd < users.txt',
    // Not piped into a reader: the echo is printed, `||` is no pipe.
    'echo done | tee log.txt; docker login --password-stdin < pw.txt',
    'echo retry || docker login --password-stdin < pw',
    // Other commands' `--stdin` (git's) and words that are no reader.
    'echo abc | git hash-object --stdin',
    'echo abc | sudo -E git hash-object --stdin',
    'echo abc | xargs chpasswdx',
  ])('kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in process.command_args, a shell command as one argument', () => {
    expect(
      scrubArgs(['sh', '-c', "echo 's3cret' | docker login --password-stdin r.io"], redactor, R),
    ).toEqual(['sh', '-c', `echo '${R}' | docker login --password-stdin r.io`]);
  });
});
