import { isOneOf, isWord } from './chars.js';
import { words } from './command-words.js';

/**
 * sudo's options before the program it runs, read from the words of a command (command-words.ts)
 * whose first is `sudo` (or `doas`): where the program is, and whether sudo reads its password on
 * stdin, `-S` alone or in a cluster (`-kS`, `-Su bob`) or `--stdin`, after any other option
 * (`sudo -u bob -S`, `sudo --user=bob -S`, `sudo -p 'pw: ' -S`). Until 2026-12-07 only `sudo -S`
 * as the first two words counted. An option that takes a value skips it (`-u -S` makes `-S` the
 * user's name, as sudo's own getopt does); `-S` elsewhere (`ls -S`, `gcc -S`) is no sudo option.
 */
export const sudo = { stdin: false };

/** sudo's options with a value (its getopt string `a:C:c:D:g:p:R:r:T:t:U:u:`); doas's `-a`, `-C`, `-u` too. */
const SHORT_WITH_VALUE = 'aCcDgpRrTtUu';
const LONG_WITH_VALUE = [
  'auth-type',
  'close-from',
  'chdir',
  'group',
  'host',
  'login-class',
  'prompt',
  'chroot',
  'role',
  'type',
  'command-timeout',
  'other-user',
  'user',
];

/** Index of the program's word after the options from word 1 on, or -1 when none is read; sets `sudo.stdin`. */
export function programAfterOptions(text: string): number {
  sudo.stdin = false;
  let i = 1;
  while (i < words.count) {
    const from = words.starts[i]!;
    const to = words.ends[i]!;
    if (words.quoted[i] !== 0 || to - from < 2 || text.charCodeAt(from) !== 45) break;
    i++;
    if (text.charCodeAt(from + 1) === 45) {
      // `--` ends the options.
      if (to - from === 2) break;
      let eq = from + 2;
      while (eq < to && text.charCodeAt(eq) !== 61) eq++;
      if (isWord(text, from + 2, eq, 'stdin')) sudo.stdin = true;
      else if (eq === to && isOneOf(text, from + 2, to, LONG_WITH_VALUE)) i++;
      continue;
    }
    for (let j = from + 1; j < to; j++) {
      if (text.charCodeAt(j) === 83 /* S */) sudo.stdin = true;
      else if (SHORT_WITH_VALUE.includes(text.charAt(j))) {
        // Glued (`-ubob`) or the next word.
        if (j + 1 === to) i++;
        break;
      }
    }
  }
  return i < words.count ? i : -1;
}
