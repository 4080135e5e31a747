import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isSpaceOrTab } from './chars.js';
import { INLINE_GLUED_NAMES, INLINE_MULTI_PART_NAMES, INLINE_SECRET_NAMES } from './defaults.js';
import { inlineLocator, MAX_BRACED } from './inline-locator.js';
import { arrayBufferEnd, bufferEnd, typedArrayEnd } from './inspect-values.js';
import { isKeptValue } from './kept-values.js';
import { listClose, listRead } from './list-values.js';
import { built, nameTrie, stepBack } from './name-trie.js';
import { workingDirectory } from './working-directory.js';

/**
 * `name=value` / `Name: value` / `"name":"value"` pairs inside free text, each replaced by name,
 * separator, opening quote, replacement, closing quote. The regex of inline-locator.ts says where a
 * pair starts; taking it apart is done here by char code, the way that regex with capture groups
 * (names case-insensitive, `g`, no `i` flag) would:
 * `(?<![A-Za-z0-9])(?:(MULTI)(["']?\s*(?:=>|[:=])\s*)(?:Q|(?!\s*DONE(?![^\r\n"']))[^\r\n"']+)
 *  |(SINGLE)(["']?\s*(?:=>|[:=])\s*)(?:Q|(?!DONE(?![^\s"',;&}]))[^\s"',;&}]+))`
 * with `Q = "(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'` and DONE the values already scrubbed
 * (`REDACTED`, or the replacement when it could be a value). That regex with `String#replace` and
 * `$1`…`$8` cost ~300 ns a pair: 256 KB of short `pwd="\` pairs took 13 ms (issue 20, goal ≤ 5
 * ms); without groups it only locates, and the rest costs a few char reads.
 *
 * Locating by that regex still cost ~2 ms for any 256 KB with a `:` or `=` in it (it tries every
 * name at every character). When every name is plain (ASCII letters, digits, `-`, `_`, `.`: ours
 * are, and most users' are), pairs are located from their separators instead: each `:` and `=` is
 * found with indexOf, and the name before it read backwards in a trie of the names (name-trie.ts),
 * which finds what the regex finds, since such a name and what may stand between it and its
 * separator (`]`, a quote, blanks) hold no separator. 0.1 ms for the same text.
 */
export type InlineScrubber = (text: string, budget?: SecretBudget) => string;

/**
 * A name: for each of its code units, the code units that match it: `one` and `other` (the same
 * for a character without case), or any of `more` in the rare case of more than two.
 */
interface Name {
  readonly length: number;
  readonly one: readonly number[];
  readonly other: readonly number[];
  readonly more: readonly (string | undefined)[];
  readonly multi: boolean;
}

/** How a name counts in the trie: multi-part, single-part (both after no letter or digit), glued. */
const MULTI = 1;
const SINGLE = 2;
const GLUED = 4;
/** A name the separator scan can read back: no separator, quote, bracket or blank in it. */
const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;
/** A code unit as a regex class member, escaped when it means something there. */
function escapeClassUnit(unit: string): string {
  return /[\\\]^-]/.test(unit) ? `\\${unit}` : unit;
}

/** Where the names that end at one place start, and their flags: pairAt's, shared (never nested). */
const starts: number[] = [];
const startFlags: number[] = [];

const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const BRACKET = 93;
const LBRACKET = 91;
const COLON = 58;
const EQUALS = 61;
const GT = 62;
const CR = 13;
const LF = 10;
const LBRACE = 123;
const RBRACE = 125;

const LT = 60;
const PLUS = 43;
const QUESTION = 63;

/** `?` or `+`: before `=`, Make's conditional and appending assignments. */
function isAssignPrefix(c: number): boolean {
  return c === QUESTION || c === PLUS;
}

/**
 * Where the unquoted single-part value at `from` ends: the run `(?:\\[ \t]|[^\s"',;&}])+`, a blank
 * escaped by a backslash being the value's, as in a shell word (`password=hun\ ter2`: until
 * 2026-12-07 `ter2` went out).
 */
function singleEnd(text: string, from: number): number {
  const n = text.length;
  let e = from;
  while (e < n) {
    const c = text.charCodeAt(e);
    if (c === BACKSLASH && e + 1 < n && isSpaceOrTab(text.charCodeAt(e + 1))) e += 2;
    else if (isSingleChar(c)) e++;
    else break;
  }
  return e;
}

/** Whether every code unit of `text` is ASCII. */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 128) return false;
  return true;
}

/** What `\s` matches in a regex without the `u` flag. */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** `[^\s"',;&}]`: a character of a single-part value (`password=value`). */
export function isSingleChar(c: number): boolean {
  return c !== DQUOTE && c !== SQUOTE && c !== 44 && c !== 59 && c !== 38 && c !== 125 && !isSpace(c);
}

/** `[^\r\n"']`: a character of a multi-part value (`Cookie: a=1; b=2`). */
function isMultiChar(c: number): boolean {
  return c !== CR && c !== LF && c !== DQUOTE && c !== SQUOTE;
}

/** `.` without the `s` flag stops at these. */
function isLineTerminator(c: number): boolean {
  return c === LF || c === CR || c === 0x2028 || c === 0x2029;
}

/**
 * Per code unit what a case-insensitive regex source built letter by letter matches: a letter
 * `c` becomes the class `[lower upper]` (so its code units), anything else itself.
 */
function compileName(name: string, multi: boolean): Name {
  const one: number[] = [];
  const other: number[] = [];
  const more: (string | undefined)[] = [];
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const lower = c.toLowerCase();
    const upper = c.toUpperCase();
    let set = c;
    if (lower !== upper) {
      set = '';
      for (const u of lower + upper) if (!set.includes(u)) set += u;
    }
    one.push(set.charCodeAt(0));
    other.push(set.charCodeAt(set.length > 1 ? 1 : 0));
    more.push(set.length > 2 ? set : undefined);
  }
  return { length: name.length, one, other, more, multi };
}

function unitMatches(name: Name, i: number, c: number): boolean {
  if (c === name.one[i] || c === name.other[i]) return true;
  const more = name.more[i];
  return more?.includes(String.fromCharCode(c)) === true;
}

function nameAt(name: Name, text: string, at: number): boolean {
  const n = name.length;
  if (at + n > text.length) return false;
  for (let i = 0; i < n; i++) if (!unitMatches(name, i, text.charCodeAt(at + i))) return false;
  return true;
}

/** Whether `text` is not empty and made only of characters `ok` takes. */
function onlyOf(text: string, ok: (c: number) => boolean): boolean {
  for (let i = 0; i < text.length; i++) if (!ok(text.charCodeAt(i))) return false;
  return text.length > 0;
}

/** Whether `word` is at `at` and no value character follows it. */
function wholeValue(text: string, at: number, word: string, valueChar: (c: number) => boolean): boolean {
  const after = at + word.length;
  if (after > text.length) return false;
  for (let i = 0; i < word.length; i++) if (text.charCodeAt(at + i) !== word.charCodeAt(i)) return false;
  return after >= text.length || !valueChar(text.charCodeAt(after));
}

/**
 * End of the escaped quoted value opening at `open` (`\"`, a JSON string inside a JSON string:
 * `{\"password\":\"hunter2\"}`), past its closing `\"`, or -1 when it does not close. Read unit
 * by unit as the regex `\\"(?:[^"\\]|\\[^"\\]|\\\\(?:\\[\s\S]|[^"\\]))*\\"` does: a plain
 * character, an outer escape (`\n`), or an escaped backslash with what it escapes (`\\\"` is a quote
 * inside the value); a bare `"` ends the outer string, so no value.
 */
function escapedQuotedEnd(text: string, open: number): number {
  const n = text.length;
  let p = open + 2;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === DQUOTE) return -1;
    if (c !== BACKSLASH) {
      p++;
      continue;
    }
    const next = p + 1 < n ? text.charCodeAt(p + 1) : -1;
    if (next === DQUOTE) return p + 2;
    if (next === -1) return -1;
    if (next !== BACKSLASH) {
      p += 2;
      continue;
    }
    const third = p + 2 < n ? text.charCodeAt(p + 2) : -1;
    if (third === BACKSLASH && p + 3 < n) p += 4;
    else if (third !== BACKSLASH && third !== DQUOTE && third !== -1) p += 3;
    else return -1;
  }
  return -1;
}

/** Whether an escaped quote `\"` is at `at`. */
function escapedQuoteAt(text: string, at: number): boolean {
  return text.charCodeAt(at) === BACKSLASH && text.charCodeAt(at + 1) === DQUOTE;
}

/**
 * End of the braced value opening at `open` (ODBC's `PWD={pa;ss}`, `}}` a `}` inside), past its
 * closing `}`, or -1. Read as the regex `\{(?:[^}\r\n]|\}\}){0,MAX_BRACED}\}` does: greedy, then
 * giving back to the last `}}`, whose first `}` closes it. Bounded, so an unclosed `{` after each
 * of many names costs MAX_BRACED reads each, not a scan to the line's end.
 */
function bracedEnd(text: string, open: number): number {
  const n = text.length;
  let p = open + 1;
  let units = 0;
  let lastPair = -1;
  while (units < MAX_BRACED && p < n) {
    const c = text.charCodeAt(p);
    if (c === RBRACE) {
      if (text.charCodeAt(p + 1) !== RBRACE) break;
      lastPair = p;
      p += 2;
    } else if (c === CR || c === LF) break;
    else p++;
    units++;
  }
  if (p < n && text.charCodeAt(p) === RBRACE) return p + 1;
  return lastPair === -1 ? -1 : lastPair + 1;
}

/** End of the quoted value opening at `open` (past its closing quote), or -1 when it does not close. */
function quotedEnd(text: string, open: number): number {
  const quote = text.charCodeAt(open);
  const n = text.length;
  let p = open + 1;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === quote) return p + 1;
    if (c === BACKSLASH) {
      if (p + 1 >= n || isLineTerminator(text.charCodeAt(p + 1))) return -1;
      p += 2;
    } else p++;
  }
  return -1;
}

/** Builds the scrubber for a replacement and the user's literal key names (single-part, after ours). */
export function createInlineScrubber(replacement: string, userNames: readonly string[]): InlineScrubber {
  // Ours (multi-part ones first), then the user's, in the regex's order.
  const spelled: (readonly [name: string, multi: boolean])[] = [];
  for (const n of INLINE_MULTI_PART_NAMES) spelled.push([n, true]);
  for (const n of INLINE_SECRET_NAMES) if (!INLINE_MULTI_PART_NAMES.includes(n)) spelled.push([n, false]);
  for (const n of userNames) spelled.push([n, false]);
  // Each name as compileName's `one` units spell it (an ASCII name: lower-cased).
  const firsts = spelled.map(([n, multi]) =>
    isAscii(n) ? n.toLowerCase() : String.fromCharCode(...compileName(n, multi).one),
  );
  const plain = firsts.every((n) => PLAIN_NAME.test(n));
  // The regex locator's tables (matchAt), built only when a name is not plain: with every name
  // plain (ours are) the separator scan reads the trie, and building these at start-up, as cold
  // code, cost ~4 ms of the redactor's ~7 (docs/performance.md, 2026-12-07).
  const names = plain ? [] : spelled.map(([n, multi]) => compileName(n, multi));
  // The names that can start with a code unit, in the regex's order; a name of length 0 starts anywhere.
  const anywhere = names.filter((name) => name.length === 0);
  const byFirst = new Map<number, Name[]>();
  const ascii: Name[][] = [];
  const gluedAscii: Name[][] = [];
  if (!plain) {
    for (const name of names) {
      if (name.length === 0) continue;
      byFirst.set(name.one[0]!, []).set(name.other[0]!, []);
      for (const u of name.more[0] ?? '') byFirst.set(u.charCodeAt(0), []);
    }
    for (const [unit, list] of byFirst) {
      for (const name of names) if (name.length === 0 || unitMatches(name, 0, unit)) list.push(name);
    }
    for (let c = 0; c < 128; c++) ascii.push(byFirst.get(c) ?? anywhere);
    // After a letter or digit only these are looked for (`PGPASSWORD=`), in the regex's order; all ASCII.
    const glued = INLINE_GLUED_NAMES.map((n) => compileName(n, false));
    for (let c = 0; c < 128; c++) gluedAscii.push(glued.filter((name) => unitMatches(name, 0, c)));
  }
  // A value already scrubbed is left alone: `REDACTED`, or the replacement when it has no
  // character that ends a value (only then can a value equal it).
  const singleDone = onlyOf(replacement, isSingleChar) ? replacement : 'REDACTED';
  const multiDone = onlyOf(replacement, isMultiChar) ? replacement : 'REDACTED';
  const replaced = ['', '"', "'", '\\"'].map((q) => q + replacement + q);
  replaced.push(`{${replacement}}`);
  // A list (`password: [ 'pw' ]`, `"password":["pw"]`) is replaced whole, brackets too.
  replaced.push(replacement);

  // Where the next `]`, `\n` and `\r` are, at or after the last list looked at (-2: not searched
  // yet, -1: none left), for a list read no further (see listEnd).
  let nextClose = -2;
  let nextLf = -2;
  let nextCr = -2;
  // Where the last list that did not close stopped being read: a list that opens before it is not
  // read again (dense unclosed `password:[` would each read MAX_LIST units).
  let readUntil = 0;

  /** Past the first `]` after `open` on its line within MAX_BRACED, or -1: three cached searches. */
  function firstClose(text: string, open: number): number {
    if (nextClose !== -1 && nextClose <= open) nextClose = text.indexOf(']', open + 1);
    if (nextClose === -1 || nextClose - open > MAX_BRACED) return -1;
    if (nextLf !== -1 && nextLf <= open) nextLf = text.indexOf('\n', open + 1);
    if (nextCr !== -1 && nextCr <= open) nextCr = text.indexOf('\r', open + 1);
    if ((nextLf !== -1 && nextLf < nextClose) || (nextCr !== -1 && nextCr < nextClose)) return -1;
    return nextClose + 1;
  }

  /**
   * End of the list opening at `open`: past its closing `]`, nested lists and quoted items read as a
   * whole (list-values.ts). Until 2026-12-07 the value ended at its first blank or quote (`{
   * password: [ 'hunter2' ] }` went out as `password: [REDACTED] 'hunter2' ] }`), then at the
   * first `]` on the line (`[['a'], ['b']]` left `, ['b']]`). A list that does not close is hidden
   * to its line's end, or to its first `]` when that is further (one nested too deep); -1 when
   * neither is after its `[`. A list inside one that did not close takes its first `]` on the line.
   */
  function listEnd(text: string, open: number): number {
    if (open < readUntil) return firstClose(text, open);
    const close = listClose(text, open);
    if (close !== -1) return close;
    readUntil = listRead.stop;
    const end = Math.max(firstClose(text, open), listRead.lineEnd);
    return end > open + 1 ? end : -1;
  }

  function isDone(text: string, at: number, done: string, valueChar: (c: number) => boolean): boolean {
    return wholeValue(text, at, 'REDACTED', valueChar) || wholeValue(text, at, done, valueChar);
  }

  // Where a match is found: the value (with its opening quote) starts at `valueStart`. Where it
  // ends the regex has said already (its lastIndex): an unquoted value is not read twice.
  let valueStart = 0;
  let quote = 0;
  let quotedTo = -1;
  // The name matchAt is trying: where it starts, where it ends (kept-values.ts reads it).
  let nameFrom = 0;
  let nameTo = 0;

  /** `end`: where a quoted (escaped, braced) value ends, past its close, as valueAfter read it. */
  function found(start: number, quoteIndex: number, end = -1): true {
    valueStart = start;
    quote = quoteIndex;
    quotedTo = end;
    return true;
  }

  /** Whether separator and value follow a name ending at `a`; sets valueStart and quote. */
  function rest(text: string, a: number, multi: boolean): boolean {
    const n = text.length;
    let sep = a;
    // `user[password]=…`: the bracket that closes a form field's name; `password[]=…`, a list's item.
    if (text.charCodeAt(sep) === BRACKET) sep++;
    if (text.charCodeAt(sep) === LBRACKET && text.charCodeAt(sep + 1) === BRACKET) sep += 2;
    const first = text.charCodeAt(sep);
    const quoted = escapedQuoteAt(text, sep) || first === DQUOTE || first === SQUOTE;
    if (escapedQuoteAt(text, sep)) sep += 2;
    else if (quoted) sep++;
    // `os.environ['PASSWORD'] = …`, `headers["X-Api-Key"] = …`: a subscript's close after the quote.
    if (quoted && text.charCodeAt(sep) === BRACKET) sep++;
    while (sep < n && isSpace(text.charCodeAt(sep))) sep++;
    if (sep >= n) return false;
    const s = text.charCodeAt(sep);
    // Make's `DB_PASSWORD ?= x` and `TOKEN += x` (2026-12-07: their values went out).
    if (isAssignPrefix(s) && text.charCodeAt(sep + 1) === EQUALS) return valueAfter(text, sep + 1, multi);
    if (s !== COLON && s !== EQUALS) return false;
    // `'password' => 'x'`: `=>` first, as the regex's alternation, then `=` alone (its value `>…`).
    if (s === EQUALS && text.charCodeAt(sep + 1) === GT && valueAfter(text, sep + 1, multi)) return true;
    // Go's and Pascal's `password := "x"`, Make's `PASSWORD := x`: `=` was taken for the value.
    if (s === COLON && text.charCodeAt(sep + 1) === EQUALS && valueAfter(text, sep + 1, multi)) return true;
    return valueAfter(text, sep, multi);
  }

  /** Whether a value follows the separator that ends at `sep`; sets valueStart and quote. */
  function valueAfter(text: string, sep: number, multi: boolean): boolean {
    const n = text.length;
    let d = sep + 1;
    while (d < n && isSpace(text.charCodeAt(d))) d++;
    const c = d < n ? text.charCodeAt(d) : -1;
    if (c === BACKSLASH && escapedQuoteAt(text, d)) {
      const close = escapedQuotedEnd(text, d);
      if (close !== -1) return found(d, 3, close);
    }
    if (c === LBRACE) {
      const close = bracedEnd(text, d);
      if (close !== -1) return found(d, 4, close);
    }
    if (c === DQUOTE || c === SQUOTE) {
      const close = quotedEnd(text, d);
      // `"PWD":"/home/bob"`, `PWD: '/home/bob'`: the shell's working directory (kept-values.ts).
      if (close !== -1 && !multi && workingDirectory(text, nameFrom, nameTo, d + 1, isSingleChar, close - 1))
        return false;
      if (close !== -1) return found(d, c === DQUOTE ? 1 : 2, close);
      // An unquoted value cannot start at a quote; only a multi-part one can start earlier.
      if (!multi) return false;
    } else if (!multi) {
      if (c === -1 || !isSingleChar(c) || isDone(text, d, singleDone, isSingleChar)) return false;
      if (isKeptValue(text, nameFrom, nameTo, d, isSingleChar)) return false;
      // util.inspect's Buffer and typed array, whose bytes spell the secret (inspect-values.ts).
      if (c === LT || (c >= 65 && c <= 90) || c === LBRACKET) {
        const close =
          c === LT
            ? bufferEnd(text, d)
            : c === 65 || c === 83 || c === 68
              ? arrayBufferEnd(text, d)
              : typedArrayEnd(text, d);
        if (close !== -1) return found(d, 5, close);
      }
      if (c === LBRACKET) {
        // Value characters glued after the `]` (`[a]b`) go with it, as they went with the `[`.
        const close = listEnd(text, d);
        if (close !== -1) return found(d, 5, singleEnd(text, close));
      }
      return found(d, 0);
    }
    // A list after a multi-part name (`{"cookie":["sid=…"]}`, `{ 'set-cookie': [ '…' ] }`, as Node
    // keeps a header set twice) went out from its first quote on (2026-12-07): read whole, and to
    // the line's end when the value's run goes further.
    if (c === LBRACKET && !isDone(text, d, multiDone, isMultiChar)) {
      const close = listEnd(text, d);
      if (close !== -1) {
        let e = d;
        while (e < n && isMultiChar(text.charCodeAt(e))) e++;
        return found(d, 5, Math.max(close, e));
      }
    }
    // Multi-part: the regex gives back the spaces after the separator one by one, and a value
    // may start at any of them (`[^\r\n"']` takes spaces); `\s*DONE` is looked for from there.
    let done = false;
    for (let v = d; v > sep; v--) {
      done ||= isDone(text, v, multiDone, isMultiChar);
      const cv = v < n ? text.charCodeAt(v) : -1;
      if (!done && cv !== -1 && isMultiChar(cv)) return found(v, 0);
    }
    return false;
  }

  function matchAt(text: string, at: number): boolean {
    const c = text.charCodeAt(at);
    const candidates =
      at > 0 && isAlnum(text.charCodeAt(at - 1))
        ? c < 128
          ? gluedAscii[c]!
          : []
        : c < 128
          ? ascii[c]!
          : (byFirst.get(c) ?? anywhere);
    for (const name of candidates) {
      if (!nameAt(name, text, at)) continue;
      nameFrom = at;
      nameTo = at + name.length;
      if (rest(text, nameTo, name.multi)) return true;
    }
    return false;
  }

  /** Where the value at valueStart ends: a quoted one past the close valueAfter found, else the run of its characters the regex takes. */
  function valueEnd(text: string, multi: boolean): number {
    if (quote !== 0) return quotedTo;
    if (multi) {
      let e = valueStart;
      while (e < text.length && isMultiChar(text.charCodeAt(e))) e++;
      return e;
    }
    return singleEnd(text, valueStart);
  }

  const trie = plain
    ? nameTrie([
        ...spelled.map(([_n, multi], i) => [firsts[i]!, multi ? MULTI : SINGLE] as const),
        ...INLINE_GLUED_NAMES.map((n) => [n, GLUED] as const),
      ])
    : undefined;
  // The pair found last: its value ends here, where the regex would go on searching.
  let pairEnd = 0;

  /**
   * The pair whose separator (`:` or `=`) is at `sep`, starting at or after `from`: its name ends
   * before any `]`, quote and blanks back from `sep`; of the names that end there, the one that
   * starts first and has a value wins, as in the regex (multi-part before single at one start).
   */
  function pairAt(text: string, sep: number, from: number): boolean {
    let end = sep;
    // Make's `?=` and `+=`: the name ends before them.
    if (end - 1 > from && isAssignPrefix(text.charCodeAt(end - 1)) && text.charCodeAt(end) === EQUALS) end--;
    while (end > from && isSpace(text.charCodeAt(end - 1))) end--;
    if (end - 2 >= from && text.charCodeAt(end - 1) === BRACKET) {
      const before = text.charCodeAt(end - 2);
      if (before === DQUOTE || before === SQUOTE) end--;
    }
    const q = text.charCodeAt(end - 1);
    if (q === DQUOTE || q === SQUOTE)
      end -= end - 2 >= from && q === DQUOTE && text.charCodeAt(end - 2) === BACKSLASH ? 2 : 1;
    if (end - 2 >= from && text.charCodeAt(end - 1) === BRACKET && text.charCodeAt(end - 2) === LBRACKET)
      end -= 2;
    if (text.charCodeAt(end - 1) === BRACKET) end--;
    // The names that end at `end`: where each starts and its flags, shortest first.
    let node = 0;
    let found = 0;
    for (let i = end - 1; i >= from; i--) {
      node = stepBack(trie!, node, text.charCodeAt(i));
      if (node === 0) break;
      const flags = trie!.flags[node]!;
      if (flags === 0) continue;
      starts[found] = i;
      startFlags[found++] = flags;
    }
    for (let k = found - 1; k >= 0; k--) {
      const start = starts[k]!;
      const flags = startFlags[k]!;
      nameFrom = start;
      nameTo = end;
      let multi = false;
      if (start > 0 && isAlnum(text.charCodeAt(start - 1))) {
        if ((flags & GLUED) === 0 || !rest(text, end, false)) continue;
      } else if ((flags & MULTI) !== 0 && rest(text, end, true)) multi = true;
      else if ((flags & SINGLE) === 0 || !rest(text, end, false)) continue;
      pairEnd = valueEnd(text, multi);
      return true;
    }
    return false;
  }

  // A separator after a character a pair can have there: a name's last one (either case), or what
  // may follow a name (`]`, a quote, a blank). One regex finds them: an indexOf per separator cost
  // ~60 ns each where they are dense (256 KB of `:=` took 18 ms), a loop over every character 0.7
  // ms for 256 KB of a stack trace, against 0.35 for the regex.
  const lastUnits = new Set<string>();
  for (const [n, multi] of [...spelled, ...INLINE_GLUED_NAMES.map((g) => [g, false] as const)])
    if (n.length > 0) {
      const last = n.charAt(n.length - 1);
      if (isAscii(last)) lastUnits.add(last.toLowerCase()).add(last.toUpperCase());
      else {
        const name = compileName(n, multi);
        const i = name.length - 1;
        lastUnits.add(String.fromCharCode(name.one[i]!)).add(String.fromCharCode(name.other[i]!));
      }
    }
  const separators = new RegExp(
    `[${[...lastUnits].map(escapeClassUnit).join('')}\\]"'\\s](?:[?+]=|[:=])`,
    'g',
  );

  /** The pairs located from their separators (all names plain). */
  function scanSeparators(text: string, budget: SecretBudget): string {
    built(trie!);
    let out = '';
    let copied = 0;
    nextClose = nextLf = nextCr = -2;
    readUntil = 0;
    separators.lastIndex = 0;
    while (separators.test(text)) {
      const sep = separators.lastIndex - 1;
      if (!pairAt(text, sep, copied)) continue;
      out += text.slice(copied, valueStart);
      out += replaced[quote]!;
      // Past the budget (budget.ts), this value runs to the end of the text.
      if (!takeSecret(budget)) return out;
      copied = pairEnd;
      separators.lastIndex = copied;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  if (trie !== undefined)
    return (text, budget = secretBudget()) =>
      text.indexOf('=') === -1 && text.indexOf(':') === -1 ? text : scanSeparators(text, budget);
  const locator = inlineLocator(replacement, userNames);
  return (text, budget = secretBudget()) => {
    if (text.indexOf('=') === -1 && text.indexOf(':') === -1) return text;
    let out = '';
    let copied = 0;
    nextClose = nextLf = nextCr = -2;
    readUntil = 0;
    locator.lastIndex = 0;
    for (let m = locator.exec(text); m !== null; m = locator.exec(text)) {
      // The regex found a pair here; matchAt takes it apart (name, separator, quote, value end).
      if (!matchAt(text, m.index)) continue;
      out += text.slice(copied, valueStart);
      out += replaced[quote]!;
      // Past the budget (budget.ts), this value runs to the end of the text.
      if (!takeSecret(budget)) return out;
      // A list runs past where the regex stopped (at its first blank or quote).
      copied = quote === 5 ? Math.max(quotedTo, locator.lastIndex) : locator.lastIndex;
      locator.lastIndex = copied;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
