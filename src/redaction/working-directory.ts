import { isAlnum } from './chars.js';

// The shell's working directory in an environment dump (`PWD=/home/bob`, `OLDPWD=…`, `"PWD":
// "/home/bob"`): `pwd` is a secret name (ODBC's `PWD=`, `MYSQL_PWD=`), but here the value is a
// directory a reader needs (kept-values.ts, inline.ts).

/**
 * Whether the name is the shell's `PWD` or `OLDPWD` (capitals, after no letter, digit, `_`, `-`,
 * `.` or `;`) and the value from `from` (up to where `isValueChar` stops, or `to`) an absolute path.
 */
export function workingDirectory(
  text: string,
  nameFrom: number,
  nameTo: number,
  from: number,
  isValueChar: (c: number) => boolean,
  to = -1,
): boolean {
  if (nameTo - nameFrom !== 3 || !text.startsWith('PWD', nameFrom)) return false;
  const start = nameFrom >= 3 && text.startsWith('OLD', nameFrom - 3) ? nameFrom - 3 : nameFrom;
  if (start > 0) {
    const c = text.charCodeAt(start - 1);
    if (isAlnum(c) || c === 95 || c === 45 || c === 46 || c === 59) return false;
  }
  if (text.charCodeAt(from) !== 47) return false;
  let e = from;
  const end = to === -1 ? text.length : to;
  for (; e < end; e++) {
    const c = text.charCodeAt(e);
    if (to === -1 && !isValueChar(c)) break;
    if (!isPathChar(c) && !(to !== -1 && c === 32)) return false;
    // Longer than Linux's PATH_MAX: no working directory (a 256 KB value was read whole).
    if (e - from >= MAX_PATH) return false;
  }
  return true;
}

/** Linux's PATH_MAX. */
const MAX_PATH = 4096;

/** A character of a plain path: letters, digits, `/`, `.`, `_`, `-`, `~`, `@`, `+`, `%`, `,`, `:`, `=`. */
function isPathChar(c: number): boolean {
  return (
    isAlnum(c) ||
    c === 47 ||
    c === 46 ||
    c === 95 ||
    c === 45 ||
    c === 126 ||
    c === 64 ||
    c === 43 ||
    c === 37 ||
    c === 44 ||
    c === 58 ||
    c === 61
  );
}
