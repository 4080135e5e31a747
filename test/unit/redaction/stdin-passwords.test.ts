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

  // sudo's `-S` after its other options, or in a cluster, was not read (2026-12-07): only `sudo -S`
  // as the command's first two words was. sudo-options.ts reads them as sudo's getopt does.
  it.each([
    ['echo pw | sudo -u bob -S cmd', `echo ${R} | sudo -u bob -S cmd`],
    ['echo pw | sudo -k -S cmd', `echo ${R} | sudo -k -S cmd`],
    ['echo pw | sudo --user=bob -S cmd', `echo ${R} | sudo --user=bob -S cmd`],
    ['echo pw | sudo --user bob -S cmd', `echo ${R} | sudo --user bob -S cmd`],
    ['echo pw | sudo -S -u bob cmd', `echo ${R} | sudo -S -u bob cmd`],
    ['echo pw | sudo -Su bob cmd', `echo ${R} | sudo -Su bob cmd`],
    ['echo pw | sudo -kS cmd', `echo ${R} | sudo -kS cmd`],
    ["echo pw | sudo -p 'Password: ' -S cmd", `echo ${R} | sudo -p 'Password: ' -S cmd`],
    ['echo pw | sudo -u bob --stdin cmd', `echo ${R} | sudo -u bob --stdin cmd`],
    ['echo pw | /usr/bin/sudo -g adm -S cmd', `echo ${R} | /usr/bin/sudo -g adm -S cmd`],
    ['sudo -u bob -S cmd <<< pw', `sudo -u bob -S cmd <<< ${R}`],
    // The program sudo runs reads it: located by sudo first, then by the program's own word.
    ['echo pw | sudo -u bob passwd --stdin bob', `echo ${R} | sudo -u bob passwd --stdin bob`],
    ['echo pw | sudo docker login --password-stdin', `echo ${R} | sudo docker login --password-stdin`],
  ])('sudo: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // `-S` of another program, or the value of an option (`-u -S`: a user named `-S`).
    'echo pw | ls -S',
    'echo pw | gcc -S x.c',
    'echo pw | sudo ls -S',
    'echo pw | sudo -u -S cmd',
    'echo pw | sudo -s cmd',
    'echo abc | sudo -u bob git hash-object --stdin',
    'echo $PW | sudo -u bob -S cmd',
    // Not a command's first word.
    'echo pw | xargs sudo -S cmd',
  ])('sudo, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // Commands were split at `|`, `;`, `&` inside quotes (2026-12-07): a password holding one was read
  // short and kept. A command written inside an outer quote (`sh -c "…"`, a JSON string) or after a
  // prompt or a label was not read at all.
  it.each([
    ["echo 'a|b;c' | docker login --password-stdin", `echo '${R}' | docker login --password-stdin`],
    ['echo "a|b&c" | docker login --password-stdin', `echo "${R}" | docker login --password-stdin`],
    ['echo "a\\"|b" | docker login --password-stdin', `echo "${R}" | docker login --password-stdin`],
    ['echo a\\|b | docker login --password-stdin', `echo ${R} | docker login --password-stdin`],
    [
      "printf '%s' 'x(y)`z`' | docker login --password-stdin",
      `printf '%s' '${R}' | docker login --password-stdin`,
    ],
    ["echo 'bob:a;b' | chpasswd", `echo 'bob:${R}' | chpasswd`],
    ["docker login --password-stdin <<< 'a|b' r.io", `docker login --password-stdin <<< '${R}' r.io`],
    ["chpasswd <<< 'bob:a|b'", `chpasswd <<< 'bob:${R}'`],
    [
      `exec: sh -c "echo s3cret | docker login --password-stdin r.io"`,
      `exec: sh -c "echo ${R} | docker login --password-stdin r.io"`,
    ],
    [
      `exec: sh -c "echo 'a|b' | docker login --password-stdin r.io"; echo done`,
      `exec: sh -c "echo '${R}' | docker login --password-stdin r.io"; echo done`,
    ],
    [`x="1"; sh -c 'echo "a|b" | sudo -S ls'`, `x="1"; sh -c 'echo "${R}" | sudo -S ls'`],
    [
      '{"cmd":"echo s3cret | docker login --password-stdin r.io"}',
      `{"cmd":"echo ${R} | docker login --password-stdin r.io"}`,
    ],
    [
      '{"cmd":"echo \\"a|b\\" | docker login --password-stdin r.io"}',
      `{"cmd":"echo ${R} | docker login --password-stdin r.io"}`,
    ],
    [
      '+ echo s3cret | docker login --password-stdin r.io',
      `+ echo ${R} | docker login --password-stdin r.io`,
    ],
    [
      "Don't log this: echo 'a|b' | docker login --password-stdin",
      `Don't log this: echo '${R}' | docker login --password-stdin`,
    ],
    // An unclosed quote is read as a character: the commands after it are still read.
    [
      "echo a | docker login --password-stdin 'x; echo b | docker login --password-stdin",
      `echo ${R} | docker login --password-stdin 'x; echo ${R} | docker login --password-stdin`,
    ],
  ])('quotes: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Quoted, the `|` is no pipe: nothing is piped into the reader.
    "echo 'a | docker login --password-stdin' > notes.txt",
    'grep "x|y" f.txt | docker login --password-stdin',
    "echo 'done' || docker login --password-stdin < pw",
  ])('quotes, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // Other programs that read a password on stdin (2026-12-07): what was piped into them went out.
  it.each([
    ['echo -e "hunter2\\nhunter2" | passwd bob', `echo -e "${R}" | passwd bob`],
    ['yes hunter2 | passwd bob', `yes ${R} | passwd bob`],
    ['echo hunter2 | kinit bob@EXAMPLE.COM', `echo ${R} | kinit bob@EXAMPLE.COM`],
    ['echo hunter2 | sudo kinit bob', `echo ${R} | sudo kinit bob`],
    ['kinit bob <<< hunter2', `kinit bob <<< ${R}`],
    [
      'echo -n hunter2 | cryptsetup luksOpen /dev/sdb1 data',
      `echo -n ${R} | cryptsetup luksOpen /dev/sdb1 data`,
    ],
    ['echo -e "pw\\npw" | smbpasswd -a -s bob', `echo -e "${R}" | smbpasswd -a -s bob`],
    ['echo hunter2 | htpasswd -i .htpasswd bob', `echo ${R} | htpasswd -i .htpasswd bob`],
    ['echo hunter2 | mkpasswd -s', `echo ${R} | mkpasswd -s`],
    ['echo hunter2 | vncpasswd -f > p', `echo ${R} | vncpasswd -f > p`],
    ['echo hunter2 | openssl passwd -6 -stdin', `echo ${R} | openssl passwd -6 -stdin`],
    [
      'echo hunter2 | openssl enc -aes256 -passin stdin -in f',
      `echo ${R} | openssl enc -aes256 -passin stdin -in f`,
    ],
    ['echo hunter2 | gpg --batch --passphrase-fd 0 -c f', `echo ${R} | gpg --batch --passphrase-fd 0 -c f`],
    ['echo hunter2 | /usr/bin/gpg --passphrase-fd=0 -c f', `echo ${R} | /usr/bin/gpg --passphrase-fd=0 -c f`],
  ])('other readers: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Without the flag that makes them read stdin, or reading data there.
    'echo -e "pw\\npw" | smbpasswd -a bob',
    'echo hunter2 | openssl sha256',
    'echo hunter2 | gpg --import',
    'echo hunter2 | htpasswd -c .htpasswd bob',
    'cat x | passwd',
    'yes | apt-get install x',
    // Names that are not the command's program.
    'grep bob /etc/passwd | cut -d: -f1',
    'echo pw | mysmbpasswd -s',
  ])('other readers, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // What a group writes goes into the pipe after it: `(echo pw; echo pw) | passwd` (a Dockerfile's
  // password twice) went out whole (2026-12-07), the command left of the pipe being only `)` or `}`.
  it.each([
    ['(echo pw; echo pw) | passwd', `(echo ${R}; echo ${R}) | passwd`],
    ['{ echo pw; echo pw; } | passwd', `{ echo ${R}; echo ${R}; } | passwd`],
    ['(echo hunter2 && echo hunter2) | passwd bob', `(echo ${R} && echo ${R}) | passwd bob`],
    [
      '(echo s3cret) | docker login --password-stdin r.io',
      `(echo ${R}) | docker login --password-stdin r.io`,
    ],
    ["(printf '%s\\n' pw; echo 'p w') | passwd", `(printf '%s\\n' ${R}; echo '${R}') | passwd`],
    ["{ echo 'bob:pw'; } | chpasswd", `{ echo 'bob:${R}'; } | chpasswd`],
    ['(cat f; echo pw) | passwd bob', `(cat f; echo ${R}) | passwd bob`],
    ['( (echo a); echo b ) | passwd', `( (echo ${R}); echo ${R} ) | passwd`],
    ["(echo 'a)b'; echo c) | passwd", `(echo '${R}'; echo ${R}) | passwd`],
    ['sh -c "(echo pw; echo pw) | passwd bob"', `sh -c "(echo ${R}; echo ${R}) | passwd bob"`],
    ['x; (echo pw\necho pw) | passwd', `x; (echo ${R}\necho ${R}) | passwd`],
  ])('groups: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // Only what echo, printf and yes write is a password; a group of other commands says where it comes from.
    '(cat f) | passwd',
    '{ cat pw.txt; } | passwd bob',
    '(echo "$PW"; echo "$PW") | passwd',
    'echo $(cat f) | passwd',
    '(echo a) > f; cat f | passwd',
    '(echo a; echo b) | grep a',
    '{ echo a; } > f | passwd',
  ])('groups, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // A quote that does not close on its line (a password holding one, pasted into a formatted
  // command): the `|` after it splits, but what the writer wrote up to the reader's pipe is hidden,
  // as one word (2026-12-07: `echo 'a|b | docker login --password-stdin` kept `'a|b`).
  it.each([
    ["echo 'a|b | docker login --password-stdin", `echo '${R} | docker login --password-stdin`],
    ['echo "a|b c | passwd --stdin bob', `echo "${R} | passwd --stdin bob`],
    ["echo a'b | docker login --password-stdin", `echo ${R} | docker login --password-stdin`],
    ["x; echo 'a | b | docker login --password-stdin", `x; echo '${R} | docker login --password-stdin`],
    [
      "echo 'a | b c d e f g h i j k l m n o p | docker login --password-stdin",
      `echo '${R} | docker login --password-stdin`,
    ],
  ])('unclosed quotes: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    // An unclosed quote on another line, or before a command that is no writer's pipe.
    "echo 'a\nb | docker login --password-stdin",
    "cat 'f | docker login --password-stdin",
    "echo 'a; cat f | docker login --password-stdin",
  ])('unclosed quotes, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // bash's `|&` pipes stderr too, and stdout as `|` does: it was read as a `|` then a `&` that ends
  // a command, so nothing was piped into the reader (2026-12-07: `echo hunter2 |& docker login
  // --password-stdin` kept `hunter2`).
  it.each([
    [
      'echo hunter2 |& docker login -u bob --password-stdin r.io',
      `echo ${R} |& docker login -u bob --password-stdin r.io`,
    ],
    ['echo pw |& passwd --stdin bob', `echo ${R} |& passwd --stdin bob`],
    ["echo 'bob:pw' |& chpasswd", `echo 'bob:${R}' |& chpasswd`],
    ['echo pw|&sudo -S ls', `echo ${R}|&sudo -S ls`],
    ['(echo pw; echo pw) |& passwd bob', `(echo ${R}; echo ${R}) |& passwd bob`],
    ["sh -c 'echo pw |& kinit bob@EXAMPLE.COM'", `sh -c 'echo ${R} |& kinit bob@EXAMPLE.COM'`],
    ["echo 'a|b |& docker login --password-stdin", `echo '${R} |& docker login --password-stdin`],
  ])('`|&`: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'cat f |& docker login --password-stdin',
    'aws ecr get-login-password |& docker login --password-stdin r.io',
    'echo "$PW" |& passwd --stdin bob',
    'echo done & docker login --password-stdin',
  ])('`|&`, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  // The `&` of a redirection is a word of its command: `echo pw 2>&1 | …` ended the echo at `&`, so
  // nothing was piped into the reader (2026-12-07). The echo's words go whole, its redirection too.
  it.each([
    [
      'echo hunter2 2>&1 | docker login -u bob --password-stdin r.io',
      `echo ${R} | docker login -u bob --password-stdin r.io`,
    ],
    ['echo pw &>/dev/null | passwd --stdin bob', `echo ${R} | passwd --stdin bob`],
    ['echo pw &>>log | passwd --stdin bob', `echo ${R} | passwd --stdin bob`],
    ['echo hunter2 >&2 | docker login --password-stdin', `echo ${R} | docker login --password-stdin`],
    ['echo pw 0<&3 | passwd --stdin bob', `echo ${R} | passwd --stdin bob`],
    ['echo x &> log; echo pw | passwd --stdin bob', `echo x &> log; echo ${R} | passwd --stdin bob`],
    [
      'echo hunter2 | docker login --password-stdin r.io 2>&1 && echo ok',
      `echo ${R} | docker login --password-stdin r.io 2>&1 && echo ok`,
    ],
  ])('a redirection`s `&`: %s', (text, expected) => {
    expect(redactor.text(text)).toBe(expected);
  });

  it.each([
    'cat f 2>&1 | docker login --password-stdin',
    'echo done & docker login --password-stdin',
    'echo done && docker login --password-stdin',
    'make 2>&1 | tee build.log',
  ])('a redirection`s `&`, kept: %s', (text) => {
    expect(redactor.text(text)).toBe(text);
  });

  it('in process.command_args, a shell command as one argument', () => {
    expect(
      scrubArgs(['sh', '-c', "echo 's3cret' | docker login --password-stdin r.io"], redactor, R),
    ).toEqual(['sh', '-c', `echo '${R}' | docker login --password-stdin r.io`]);
  });
});
