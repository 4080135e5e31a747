import { isAlnum, isDigit, isLetter, isOneOf, isWord } from './chars.js';

// A test runner's count after `pass` (`pass: 3 of 10 tests`, TAP-like summaries): `pass` is a
// secret name (`pass: hunter2`), but a count with what says it counts tests is no password
// (kept-values.ts). A bare number stays hidden: `pass: 1234` may be a PIN.

/** Words after a count that say it counts tests. */
const TEST_WORDS = ['tests', 'test', 'passed', 'passing', 'specs', 'assertions', 'cases', 'checks', 'suites'];
/** Names of the counts that go with a pass count in a summary (`pass: 3, fail: 1`). */
const OTHER_COUNTS = ['fail', 'failed', 'failing', 'failures', 'skip', 'skipped', 'todo', 'total'];

/**
 * Whether the name is `pass` (after no letter, digit or `_`) and the value at `from` a count: digits,
 * then ` of <digits>`, `/<digits>`, a blank and one of TEST_WORDS, or `,`/blanks and one of
 * OTHER_COUNTS. Reads at most a few dozen characters.
 */
export function passCount(text: string, nameFrom: number, nameTo: number, from: number): boolean {
  if (nameTo - nameFrom !== 4 || !isWord(text, nameFrom, nameTo, 'pass')) return false;
  if (nameFrom > 0 && (isAlnum(text.charCodeAt(nameFrom - 1)) || text.charCodeAt(nameFrom - 1) === 95))
    return false;
  let e = from;
  while (e < text.length && e - from < 9 && isDigit(text.charCodeAt(e))) e++;
  if (e === from || isDigit(text.charCodeAt(e))) return false;
  if (text.charCodeAt(e) === 47) return digitsThenEnd(text, e + 1);
  if (text.startsWith(' of ', e)) return digitsThenEnd(text, e + 4);
  let w = e;
  if (text.charCodeAt(w) === 44 || text.charCodeAt(w) === 59) w++;
  const blanks = w;
  while (w < text.length && w - blanks < 4 && (text.charCodeAt(w) === 32 || text.charCodeAt(w) === 9)) w++;
  if (w === e) return false;
  let we = w;
  while (we < text.length && we - w < 12 && isLetter(text.charCodeAt(we))) we++;
  if (isLetter(text.charCodeAt(we))) return false;
  if (isOneOf(text, w, we, OTHER_COUNTS)) return true;
  return w > e && blanks === e && isOneOf(text, w, we, TEST_WORDS);
}

/** Whether digits start at `at` and no letter or digit follows them. */
function digitsThenEnd(text: string, at: number): boolean {
  let e = at;
  while (e < text.length && e - at < 9 && isDigit(text.charCodeAt(e))) e++;
  return e > at && !isAlnum(text.charCodeAt(e));
}
