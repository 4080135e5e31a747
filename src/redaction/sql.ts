import { createHash } from '../util/index.js';

// Character classes, by char code.
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
// `\w`: A-Z a-z 0-9 _
const isWord = (c: number): boolean =>
  isDigit(c) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const DOLLAR = 36;
const DOT = 46;
const QUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;
// String prefixes: b'…' e'…' n'…' x'…' in either case.
const isStringPrefix = (c: number): boolean =>
  c === 98 || c === 66 || c === 101 || c === 69 || c === 110 || c === 78 || c === 120 || c === 88;

/**
 * Masks literal values in a SQL statement with `?`, keeping keywords, identifiers, placeholders
 * (`$1`, `?`, `:name`) and structure: `SELECT * FROM users WHERE email = 'a@b.c' AND id = 42` →
 * `SELECT * FROM users WHERE email = ? AND id = ?`. Comments are masked whole (they can carry
 * anything). Double-quoted text is an identifier in ANSI SQL / PostgreSQL and is kept, unless
 * `doubleQuotedStrings` (MySQL and MariaDB, where it is a string literal, as in
 * `IDENTIFIED BY "…"`): then it is masked as `'…'` is.
 *
 * One left-to-right pass that looks at each character a bounded number of times. It finds exactly
 * what this regex, tried at each position in turn, found:
 * `(--[^\r\n]*|\/\*[\s\S]*?(?:\*\/|$))|([bBeEnNxX]?'(?:[^'\\]|''|\\[\s\S])*(?:'|$))|
 *  (\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?(?:\$\4\$|$))|("(?:[^"]|"")*")|(`[^`]*`)|
 *  (\b0[xX][0-9a-fA-F]+\b)|((?<![\w$.])(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w$]))`
 * but that regex split a digit run between `\d+` and `\d*` in every possible place (64 KB of
 * digits and a letter took seconds), and even linear, a callback per literal made a long
 * statement of short literals slow to mask (issue 20; scrub group, bench/README.md).
 */
export function maskSql(statement: string, doubleQuotedStrings = false): string {
  const text = maskIdentifiedBy(statement);
  const n = text.length;
  let out = '';
  let copied = 0;
  let i = 0;
  const emit = (start: number, end: number, replacement: string): void => {
    out += text.slice(copied, start) + replacement;
    copied = end;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    const next = i + 1 < n ? text.charCodeAt(i + 1) : -1;
    let end = -1;
    if (c === 45 && next === 45) {
      // -- line comment
      end = i + 2;
      while (end < n && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
      emit(i, end, '-- ?');
    } else if (c === 47 && next === 42) {
      // /* block comment */ (an unclosed one runs to the end)
      const close = text.indexOf('*/', i + 2);
      end = close === -1 ? n : close + 2;
      emit(i, end, '/* ? */');
    } else if (c === QUOTE || (next === QUOTE && isStringPrefix(c))) {
      end = stringEnd(text, c === QUOTE ? i : i + 1);
      if (end !== -1) emit(i, end, '?');
    } else if (c === DOLLAR) {
      end = dollarEnd(text, i);
      if (end !== -1) emit(i, end, '?');
    } else if (c === DQUOTE && doubleQuotedStrings) {
      end = stringEnd(text, i, DQUOTE);
      if (end !== -1) emit(i, end, '?');
    } else if (c === DQUOTE) {
      end = doubleQuotedEnd(text, i); // an identifier: kept
    } else if (c === 96) {
      const close = text.indexOf('`', i + 1);
      end = close === -1 ? -1 : close + 1; // an identifier: kept
    } else if (isDigit(c) || c === DOT) {
      end = c === 48 && (next === 120 || next === 88) ? hexEnd(text, i) : -1;
      if (end === -1) end = numberEnd(text, i);
      if (end !== -1) emit(i, end, '?');
    }
    i = end === -1 ? i + 1 : end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Oracle's `IDENTIFIED BY <password>` takes the password bare or double-quoted (its documented form
 * for one with special characters), which the scan above keeps as a word or an identifier:
 * `CREATE USER scott IDENTIFIED BY tiger` went out whole. A quoted `'…'` is left to the scan.
 * Linear: a failed attempt scans one run of blanks, or up to the next `"`, and no later attempt
 * starts inside it (each needs a word boundary and the literal `identified`).
 */
const IDENTIFIED_BY = /(\bidentified[ \t\r\n]+by[ \t\r\n]+)(?:"(?:[^"]|"")*"|[^\s;,()'"]+)/gi;

function maskIdentifiedBy(statement: string): string {
  return statement.replace(IDENTIFIED_BY, '$1?');
}

/**
 * `'…'` (or MySQL's `"…"`: `close` is the quote) with doubled quotes and backslash escapes; unclosed
 * runs to the end, unless it ends in a lone backslash.
 */
function stringEnd(text: string, quote: number, close = QUOTE): number {
  const n = text.length;
  let p = quote + 1;
  let lastPair = -1;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === close) {
      if (p + 1 < n && text.charCodeAt(p + 1) === close) {
        lastPair = p;
        p += 2;
        continue;
      }
      return p + 1;
    }
    if (c === BACKSLASH) {
      if (p + 1 >= n) break; // a lone backslash at the very end: the regex backtracked
      p += 2;
      continue;
    }
    p++;
  }
  if (p >= n) return n;
  // Backtracking ended the string at the first quote of the last `''`, or found no match.
  return lastPair === -1 ? -1 : lastPair + 1;
}

/** `$tag$…$tag$` (or `$$…$$`); unclosed runs to the end. */
function dollarEnd(text: string, i: number): number {
  const n = text.length;
  let p = i + 1;
  const first = p < n ? text.charCodeAt(p) : -1;
  if (first !== DOLLAR) {
    if (!(isWord(first) && !isDigit(first))) return -1;
    while (p < n && isWord(text.charCodeAt(p))) p++;
    if (p >= n || text.charCodeAt(p) !== DOLLAR) return -1;
  }
  const tag = text.slice(i, p + 1);
  const close = text.indexOf(tag, p + 1);
  return close === -1 ? n : close + tag.length;
}

/** `"…"` with `""` escapes; -1 when unclosed. */
function doubleQuotedEnd(text: string, i: number): number {
  const n = text.length;
  let p = i + 1;
  let lastPair = -1;
  while (p < n) {
    if (text.charCodeAt(p) === DQUOTE) {
      if (p + 1 < n && text.charCodeAt(p + 1) === DQUOTE) {
        lastPair = p;
        p += 2;
        continue;
      }
      return p + 1;
    }
    p++;
  }
  return lastPair === -1 ? -1 : lastPair + 1;
}

/** `0x1F` at a word boundary on both sides. */
function hexEnd(text: string, i: number): number {
  if (i > 0 && isWord(text.charCodeAt(i - 1))) return -1;
  let p = i + 2;
  while (p < text.length && isHex(text.charCodeAt(p))) p++;
  if (p === i + 2) return -1;
  return p < text.length && isWord(text.charCodeAt(p)) ? -1 : p;
}

/** `42`, `4.2`, `4.`, `.5`, `1e-3`, not part of a word, `$1` or `a.b`. */
function numberEnd(text: string, i: number): number {
  if (i > 0) {
    const prev = text.charCodeAt(i - 1);
    if (isWord(prev) || prev === DOLLAR || prev === DOT) return -1;
  }
  const n = text.length;
  let d = i;
  while (d < n && isDigit(text.charCodeAt(d))) d++;
  if (d > i) {
    if (d < n && text.charCodeAt(d) === DOT) {
      let f = d + 1;
      while (f < n && isDigit(text.charCodeAt(f))) f++;
      const withFraction = tailEnd(text, f);
      if (withFraction !== -1) return withFraction;
    }
    return tailEnd(text, d);
  }
  // `.5`
  let g = i + 1;
  while (g < n && isDigit(text.charCodeAt(g))) g++;
  return g > i + 1 ? tailEnd(text, g) : -1;
}

/** An optional exponent at `x`, then no word character or `$` may follow. */
function tailEnd(text: string, x: number): number {
  const n = text.length;
  const c = x < n ? text.charCodeAt(x) : -1;
  if (c === 101 || c === 69) {
    let s = x + 1;
    const sign = s < n ? text.charCodeAt(s) : -1;
    if (sign === 43 || sign === 45) s++;
    let y = s;
    while (y < n && isDigit(text.charCodeAt(y))) y++;
    return y > s && !followedByWord(text, y) ? y : -1;
  }
  return followedByWord(text, x) ? -1 : x;
}

function followedByWord(text: string, p: number): boolean {
  if (p >= text.length) return false;
  const c = text.charCodeAt(p);
  return isWord(c) || c === DOLLAR;
}

/** `sha256:<hex>` of the whole statement, as the collector's `hash` action does. */
export function hashSql(statement: string): string {
  return `sha256:${createHash('sha256').update(statement).digest('hex')}`;
}
