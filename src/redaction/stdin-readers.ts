import { isWord } from './chars.js';
import { wordIs, words } from './command-words.js';

/**
 * Programs that read a password on their standard input, by name (the word stdin-passwords.ts found
 * as a command's program, after sudo's options too), and how: WHOLE or AFTER_COLON (chpasswd's
 * `user:password`), 0 for none.
 * - chpasswd (`echo 'bob:pw' | chpasswd`), passwd (`echo -e "pw\npw" | passwd bob`, as Dockerfiles
 *   set a password; `--stdin` too), kinit (`echo pw | kinit bob@EXAMPLE.COM`), cryptsetup (`echo -n
 *   pw | cryptsetup luksOpen /dev/sdb1 data`): always;
 * - smbpasswd with `-s`, htpasswd with `-i`, mkpasswd with `-s` or `--stdin`, vncpasswd with `-f`,
 *   openssl with `-stdin` (`openssl passwd -6 -stdin`) or `-passin stdin`, gpg with `--passphrase-fd
 *   0`: only so, since without it they prompt on the terminal or read a file.
 * Until 2026-12-07 only chpasswd, `passwd --stdin`, `--password-stdin`, `--with-token` and `sudo -S`
 * were read, and what `echo` piped into the others went out.
 */
export const WHOLE = 1;
export const AFTER_COLON = 2;

/** The needles that locate these programs (stdin-passwords.ts): `passwd` ends six of them. */
export const PROGRAM_NEEDLES = ['passwd', 'kinit', 'cryptsetup', 'openssl', 'gpg'];
/** Letters that may come before `passwd` in one of their names (`smb`, `vnc`). */
export const MAX_PASSWD_PREFIX = 3;

/** Whether a short flag cluster among the words after `program` holds `letter` (`-s`, `-as`). */
function hasShortFlag(text: string, program: number, letter: number): boolean {
  for (let i = program + 1; i < words.count; i++) {
    const from = words.starts[i]!;
    const to = words.ends[i]!;
    if (to - from < 2 || text.charCodeAt(from) !== 45 || text.charCodeAt(from + 1) === 45) continue;
    for (let j = from + 1; j < to; j++) if (text.charCodeAt(j) === letter) return true;
  }
  return false;
}

/** Whether word `name` follows `program`, and (`value`) the word after it is `value`, or it is glued with `=`. */
function hasWord(text: string, program: number, name: string, value?: string): boolean {
  for (let i = program + 1; i < words.count; i++) {
    const from = words.starts[i]!;
    const to = words.ends[i]!;
    if (value === undefined) {
      if (isWord(text, from, to, name)) return true;
    } else if (isWord(text, from, to, name)) {
      if (i + 1 < words.count && isWord(text, words.starts[i + 1]!, words.ends[i + 1]!, value)) return true;
    } else if (to - from === name.length + 1 + value.length && isWord(text, from, from + name.length, name)) {
      if (text.charCodeAt(from + name.length) === 61 && isWord(text, to - value.length, to, value))
        return true;
    }
  }
  return false;
}

/** How the program at word `program` reads a password on stdin. */
export function programReads(text: string, program: number): number {
  if (wordIs(text, program, 'chpasswd')) return AFTER_COLON;
  if (
    wordIs(text, program, 'passwd') ||
    wordIs(text, program, 'kinit') ||
    wordIs(text, program, 'cryptsetup')
  )
    return WHOLE;
  if (wordIs(text, program, 'smbpasswd')) return hasShortFlag(text, program, 115 /* s */) ? WHOLE : 0;
  if (wordIs(text, program, 'htpasswd')) return hasShortFlag(text, program, 105 /* i */) ? WHOLE : 0;
  if (wordIs(text, program, 'vncpasswd')) return hasShortFlag(text, program, 102 /* f */) ? WHOLE : 0;
  if (wordIs(text, program, 'mkpasswd'))
    return hasShortFlag(text, program, 115) || hasWord(text, program, '--stdin') ? WHOLE : 0;
  if (wordIs(text, program, 'openssl'))
    return hasWord(text, program, '-stdin') || hasWord(text, program, '-passin', 'stdin') ? WHOLE : 0;
  if (wordIs(text, program, 'gpg') || wordIs(text, program, 'gpg2'))
    return hasWord(text, program, '--passphrase-fd', '0') ? WHOLE : 0;
  return 0;
}
