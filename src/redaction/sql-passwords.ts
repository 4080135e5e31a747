import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isScrubbed, isWord } from './chars.js';

/**
 * A SQL statement's password quoted in free text (an error that echoes the statement, a migration's
 * log line, `psql -c "…"` in a command line): `ALTER USER bob WITH PASSWORD 's3cret'`,
 * `CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'x'`, MySQL's `IDENTIFIED BY 's3cret'` (and
 * `IDENTIFIED WITH caching_sha2_password BY '…'`, `PASSWORD('…')`), Oracle's bare
 * `IDENTIFIED BY tiger`. sql.ts masks these in `db.statement`; in text they went out whole, since
 * `PASSWORD 'x'` has no `=` or `:` for the `name=value` rules. The quotes are kept:
 * `PASSWORD '[REDACTED]'`.
 *
 * Anchored: each of the four needles (`assword`, `dentified` in either case) is searched for with
 * indexOf once across the text, and at each hit a sticky regex reads a bounded clause; a value is
 * read up to MAX_VALUE characters, so no character is read more than a few times.
 */
export type SqlPasswordScrubber = (text: string, budget?: SecretBudget) => string;

const NEEDLES = ['assword', 'ASSWORD', 'dentified', 'DENTIFIED'];
/** Whether any of NEEDLES is in a text: one search, a third of the four indexOf (256 KB of prose: 0.1 ms, 0.3). */
const ANY_NEEDLE = /assword|ASSWORD|dentified|DENTIFIED/;
/** `password` (`(` for MySQL's function) before a quoted value; blanks within a line. */
const PASSWORD = /password[ \t]*(?:\([ \t]*)?/iy;
/** `identified by`, or MySQL's `identified with <plugin> by`, before the value. */
const IDENTIFIED =
  /identified[ \t\r\n]{1,64}(?:with[ \t\r\n]{1,64}[\w'"`-]{1,64}[ \t\r\n]{1,64})?by[ \t\r\n]{1,64}/iy;
/** A quoted value is read up to here (a password is far shorter): bounds the work per needle. */
const MAX_VALUE = 256;
const [SQUOTE, DQUOTE] = [39, 34];

/** Where the needles were found last, -2 before the first search. Module state: a pass never runs inside another. */
const next = [-2, -2, -2, -2];

/**
 * Where the quoted value opening at `open` ends (`''` a quote inside): at its closing quote, or,
 * cut short, at the line's or the text's end, or after MAX_VALUE characters.
 */
function quotedValueEnd(text: string, open: number, quote: number): number {
  const n = text.length;
  let p = open + 1;
  while (p < n && p - open <= MAX_VALUE) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) return p;
    if (c === quote) {
      if (text.charCodeAt(p + 1) !== quote) return p;
      p += 2;
    } else p++;
  }
  return Math.min(p, n);
}

/** A bare value (Oracle's `IDENTIFIED BY tiger`): up to a blank, `;`, `,`, a bracket or a quote. */
function bareEnd(text: string, from: number): number {
  let p = from;
  while (p < text.length && p - from < MAX_VALUE) {
    const c = text.charCodeAt(p);
    if (c <= 32 || c === 59 || c === 44 || c === 40 || c === 41 || c === SQUOTE || c === DQUOTE) break;
    p++;
  }
  return p;
}

export function createSqlPasswordScrubber(replacement: string): SqlPasswordScrubber {
  return (text, budget = secretBudget()) => {
    if (!ANY_NEEDLE.test(text)) return text;
    for (let i = 0; i < NEEDLES.length; i++) next[i] = text.indexOf(NEEDLES[i]!);
    if (next[0] === -1 && next[1] === -1 && next[2] === -1 && next[3] === -1) return text;
    let out = '';
    let copied = 0;
    for (;;) {
      let k = -1;
      for (let i = 0; i < NEEDLES.length; i++) if (next[i] !== -1 && (k === -1 || next[i]! < next[k]!)) k = i;
      if (k === -1) break;
      const hit = next[k]!;
      // The word starts one letter before the needle (`p`, `i`), after no letter, digit or `_`.
      const start = hit - 1;
      let valueTo = -1;
      let valueFrom = -1;
      // After `password`, only a blank, `(` or `'` can lead to a value: `Password:` is passed without
      // the regex (256 KB of `Password: [REDACTED] a `, 11k of them: a third of the pass).
      const after = k < 2 ? text.charCodeAt(start + 8) : 32;
      if (
        start >= 0 &&
        (after === 32 || after === 9 || after === 40 || after === SQUOTE) &&
        (start === 0 || !isWordChar(text.charCodeAt(start - 1)))
      ) {
        const regex = k < 2 ? PASSWORD : IDENTIFIED;
        regex.lastIndex = start;
        if (regex.test(text)) {
          valueFrom = regex.lastIndex;
          const c = text.charCodeAt(valueFrom);
          // `'password'` is a quoted word (MySQL's `Unknown column 'password' in 'field list'`), and
          // so is `'--password'` (a list's item: `[ '--password', 'pw' ]`, cli-flags.ts hides `pw`):
          // its closing quote opens no value (`, ` between the items was taken for one).
          if (valueFrom === start + 8 && quotedWordBefore(text, start, c)) valueTo = -1;
          else if (c === SQUOTE || (k >= 2 && c === DQUOTE)) {
            valueTo = quotedValueEnd(text, valueFrom, c);
            valueFrom++;
          } else if (k >= 2) {
            valueTo = bareEnd(text, valueFrom);
            // Oracle's `IDENTIFIED BY VALUES '<hash>'`: the hash, not the keyword.
            if (isWord(text, valueFrom, valueTo, 'values')) {
              let q = valueTo;
              while (
                q < text.length &&
                q - valueTo < 64 &&
                (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9)
              )
                q++;
              const c2 = text.charCodeAt(q);
              if (q > valueTo && (c2 === SQUOTE || c2 === DQUOTE)) {
                valueFrom = q + 1;
                valueTo = quotedValueEnd(text, q, c2);
              }
            }
          }
        }
      }
      let resume = hit + NEEDLES[k]!.length;
      if (valueTo > valueFrom && valueFrom >= copied && !isScrubbed(text, valueFrom, valueTo, replacement)) {
        out += text.slice(copied, valueFrom) + replacement;
        // Past the budget (budget.ts), this value runs to the end of the text.
        if (!takeSecret(budget)) return out;
        copied = valueTo;
        resume = Math.max(resume, valueTo);
      }
      for (let i = 0; i < NEEDLES.length; i++)
        if (next[i] !== -1 && next[i]! < resume) next[i] = text.indexOf(NEEDLES[i]!, resume);
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}

/**
 * Whether the word that ends in `password` at `start` opens with quote `q`: `'password'`,
 * `'--db-password'` (dashes and a name before it, at most 64 characters read back).
 */
function quotedWordBefore(text: string, start: number, q: number): boolean {
  let p = start - 1;
  while (p >= 0 && start - p <= 64) {
    const c = text.charCodeAt(p);
    if (c === q) return true;
    if (!isWordChar(c) && c !== 45) return false;
    p--;
  }
  return false;
}

/** A character a SQL keyword cannot follow and still be a word of its own. */
function isWordChar(c: number): boolean {
  return isAlnum(c) || c === 95;
}
