import { isLetter, isWord } from './chars.js';
import { passCount } from './test-counts.js';
import { workingDirectory } from './working-directory.js';

/**
 * Unquoted values after a secret name (inline.ts) that are no secret and that a reader needs:
 * - a value that says none is set, `password: undefined`, `token: null`, `api_key: None` (a config
 *   dump or a validation error: what was missing is the point of the message);
 * - MySQL's `Access denied for user 'root'@'h' (using password: YES)`, which lost its `YES`/`NO`;
 * - SQLite's `near "password": syntax error`;
 * - MySQL's `SET PASSWORD = PASSWORD('pw')`, whose argument sql-passwords.ts hides;
 * - a parser's or an auth library's prose after `<word> token:` (`Invalid token: expected ','`,
 *   `Invalid access token: expired`): a word of lowercase letters (a capital first at most), at
 *   most LONGEST_PROSE_WORD long. A token is random (digits, capitals): one of only lowercase letters
 *   is a word or a placeholder, as for the auth schemes (defaults.ts, notProse). Only after a word
 *   and one space, never at a line's start (`token: abc` in YAML stays scrubbed), and never for a
 *   password, which people choose;
 * - Zod's `Required` (`password: Required`, a validation error's field and message), as the whole
 *   value: before a line's end, `,`, `;`, a quote or a bracket (`password: Required now` is prose
 *   that may hold a password, quoted `"password": "Required"` a config's value);
 * - the shell's working directory, `PWD=/home/bob` and `OLDPWD=…` (an environment dump): the name
 *   in capitals, not after `_` or `;` (`DB_PWD=`, ODBC's `…;PWD=pw;`), the value an absolute
 *   path of path characters only (workingDirectory);
 * - a test runner's count after `pass`: `pass: 3 of 10 tests`, `pass: 3/10`, `pass: 12 passed`,
 *   `pass: 3, fail: 1` (passCount). A bare number stays hidden: `pass: 1234` may be a PIN.
 */
const NOT_SET = ['null', 'NULL', 'Null', 'undefined', 'None', 'nil', '<nil>'];
const LONGEST_PROSE_WORD = 20;

/** The end of the value word at `from`: letters, `<` and `>` (`<nil>`) only. */
function wordEnd(text: string, from: number): number {
  let e = from;
  while (e < text.length && e - from <= LONGEST_PROSE_WORD) {
    const c = text.charCodeAt(e);
    if (!isLetter(c) && c !== 60 && c !== 62) break;
    e++;
  }
  return e;
}

/**
 * Whether the unquoted value at `from` (ending where `isValueChar` stops) after the name
 * `text[nameFrom, nameTo)` and a separator `text[nameTo, from)` is kept.
 */
export function isKeptValue(
  text: string,
  nameFrom: number,
  nameTo: number,
  from: number,
  isValueChar: (c: number) => boolean,
): boolean {
  if (workingDirectory(text, nameFrom, nameTo, from, isValueChar)) return true;
  if (passCount(text, nameFrom, nameTo, from)) return true;
  const first = text.charCodeAt(from);
  if (!isLetter(first) && first !== 60) return false;
  const e = wordEnd(text, from);
  if (e - from > LONGEST_PROSE_WORD) return false;
  const ends = e >= text.length || !isValueChar(text.charCodeAt(e));
  if (ends)
    for (const word of NOT_SET) if (e - from === word.length && text.startsWith(word, from)) return true;
  if (e - from === 8 && text.startsWith('Required', from) && endsZodMessage(text.charCodeAt(e))) return true;
  // `SET PASSWORD = PASSWORD('pw')`: sql-passwords.ts hides the function's argument; taken as the
  // value, `PASSWORD(` was replaced and `'pw')` went out.
  if (text.charCodeAt(e) === 40 && isWord(text, from, e, 'password')) return true;
  // `(using password: YES)`.
  if (
    text.charCodeAt(e) === 41 &&
    (isWord(text, from, e, 'yes') || isWord(text, from, e, 'no')) &&
    nameFrom >= 7 &&
    isWord(text, nameFrom - 7, nameFrom, '(using ')
  )
    return true;
  // `near "password": syntax error`.
  if (
    text.charCodeAt(nameFrom - 1) === 34 &&
    nameFrom >= 6 &&
    isWord(text, nameFrom - 6, nameFrom, 'near "') &&
    isWord(text, from, e, 'syntax') &&
    text.startsWith(' error', e)
  )
    return true;
  return ends && proseAfterToken(text, nameFrom, nameTo, from, e);
}

/** `<word> token: <prose word>` (see above). */
function proseAfterToken(text: string, nameFrom: number, nameTo: number, from: number, to: number): boolean {
  if (
    nameTo - nameFrom !== 5 ||
    !isWord(text, nameFrom, nameTo, 'token') ||
    text.charCodeAt(nameTo) !== 58 ||
    text.charCodeAt(nameFrom - 1) !== 32 ||
    !isLetter(text.charCodeAt(nameFrom - 2))
  )
    return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 97 && c <= 122) && !(i === from && c >= 65 && c <= 90)) return false;
  }
  return true;
}

/** What may follow Zod's `Required` as a whole value: the text's or a line's end, `,`, `;`, a quote, `)`, `]`, `}`. */
function endsZodMessage(c: number): boolean {
  return (
    Number.isNaN(c) ||
    c === 10 ||
    c === 13 ||
    c === 44 ||
    c === 59 ||
    c === 34 ||
    c === 39 ||
    c === 41 ||
    c === 93 ||
    c === 125
  );
}
