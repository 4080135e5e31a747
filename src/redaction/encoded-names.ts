import { hexValue } from '../util/hex-digit.js';
import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum } from './chars.js';
import { INLINE_MULTI_PART_NAMES } from './defaults.js';
import { decodable, endsInSecretName, isSecretParam, secretNamesOf } from './param-names.js';
import { QUERY_SECRET_SUFFIXES } from './url.js';

/**
 * `p%61ssword=hunter2` / `pass%77ord=…` in free text: a form body, a request target without a
 * scheme (`/login?p%61ssword=…`) or a logged query. A URL with a scheme is scrubbed whole
 * (url.ts, which decodes names), but the `name=value` rules of free text (inline.ts) read names as
 * written, so a percent-escaped letter took the name past them. Here a name with an escape in it,
 * right before `=`, is decoded and judged as a query parameter's name is; its value, up to the
 * next `&`, space, quote, `<`, `>`, `#`, `;` or `,`, is replaced. A run with no `=` after it may
 * hold pairs encoded whole, separator included (`password%3Dhunter2`, `token%3A%20abc`): see
 * encodedValue.
 *
 * One pass: each `%` found with indexOf, its name run read back to the end of the run before and
 * forward to its end, and the search goes on past it, so no character is read more than twice. A
 * name is decoded only when it is at most {@link MAX_NAME} characters and holds an escape.
 */
export type EncodedNameScrubber = (text: string, budget?: SecretBudget) => string;

const MAX_NAME = 256;

/** What a query parameter's name is written with: letters, digits, `%`, `+`, `.`, `_`, `-`, `~`. */
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 37 || c === 43 || c === 46 || c === 95 || c === 45 || c === 126;
}

/** Not `&`, white space, `"`, `'`, `<`, `>`, `#`, `;`, `,`. */
function isValueChar(c: number): boolean {
  return (
    c > 32 && c !== 38 && c !== 34 && c !== 39 && c !== 60 && c !== 62 && c !== 35 && c !== 59 && c !== 44
  );
}

/** `%XX` at `i` as the number XX (either case), or -1 when it is not one. */
function escapeAt(text: string, i: number): number {
  if (text.charCodeAt(i) !== 37) return -1;
  const high = hexValue(text.charCodeAt(i + 1));
  const low = hexValue(text.charCodeAt(i + 2));
  return high === -1 || low === -1 ? -1 : high * 16 + low;
}

/**
 * Escaped characters that end a pair's value (1), and those that also end a value of several
 * words (2: `Cookie%3A%20a%3D1%3B%20b%3D2` runs to `&`, a quote or a line end): `&`, `?`, `#`,
 * `/`, `,`, `;`, space, quotes, line ends, braces.
 */
const ENDS = new Uint8Array(128);
for (const c of [0x3f, 0x23, 0x2f, 0x2c, 0x3b, 0x20, 0x7b, 0x7d]) ENDS[c] = 1;
for (const c of [0x26, 0x22, 0x27, 0x0a, 0x0d]) ENDS[c] = 2;

/** Whether `text[from, to)` is, in any case, one of the names whose value is several words. */
function multiPart(text: string, from: number, to: number): boolean {
  for (const name of INLINE_MULTI_PART_NAMES) {
    if (name.length !== to - from) continue;
    let i = 0;
    while (i < name.length && (text.charCodeAt(from + i) | 0x20) === name.charCodeAt(i)) i++;
    if (i === name.length) return true;
  }
  return false;
}

// An escaped `=` or `:`. A regex, not indexOf('%3'): V8 searches a two-character needle by its
// first character, and text dense with `%` made that 1.4 ms for 256 KB of `%` (the regex's
// Boyer-Moore search: 0.07 ms). Only run on text that holds a `%`.
const SEPARATOR = /%3[AaDd]/g;

/** Where the next escaped `=` or `:` at or after `from` is, or -1. */
function nextSeparator(text: string, from: number): number {
  SEPARATOR.lastIndex = from;
  return SEPARATOR.test(text) ? SEPARATOR.lastIndex - 3 : -1;
}

/** Where the value found by encodedValue ends. */
let encodedValueEnd = 0;

/**
 * `password%3Dhunter2`, `token%3A%20abc`, `a%3D1%26password%3Dx`: pairs encoded whole, their
 * separators escaped too (a form body or a header logged encoded). In the run `text[from, to)`, a
 * name starts at `from` or after an escaped separator (ENDS); its value, after an escaped `=` or
 * `:` and any escaped spaces, runs to the next separator (for a name of several words, the next
 * `&`, quote or line end). Returns where the next value of a secret name starts (its end in
 * encodedValueEnd), skipping empty and scrubbed ones, or -1. Each character is read once: a name
 * never starts inside a value.
 */
function encodedValue(
  text: string,
  from: number,
  to: number,
  secretName: (text: string, from: number, to: number) => boolean,
): number {
  let name = from;
  let i = from;
  while (i + 2 < to) {
    // Every escape that matters here is `%0…`, `%2…`, `%3…` or `%7…`: others are passed at once.
    if (text.charCodeAt(i) !== 37) {
      i++;
      continue;
    }
    const high = text.charCodeAt(i + 1);
    if (high !== 51 && high !== 50 && high !== 48 && high !== 55) {
      i++;
      continue;
    }
    const code = escapeAt(text, i);
    if (code !== 0x3d && code !== 0x3a) {
      if (code === -1) i++;
      else {
        i += 3;
        if (code < 128 && ENDS[code] !== 0) name = i;
      }
      continue;
    }
    let start = i + 3;
    while (start < to && text.charCodeAt(start) === 43) start++;
    while (start + 2 < to && escapeAt(text, start) === 0x20) start += 3;
    // A value that ends before it starts (`token%3D%26`), as one of many words or not, needs no
    // name checked: 256 KB of `token%3D%26` checked 24k names for nothing (a fifth of the pass).
    const first = start < to ? escapeAt(text, start) : -1;
    if (start >= to || (first !== -1 && first < 128 && ENDS[first] === 2)) {
      name = start;
      i = start;
      continue;
    }
    const secret = i > name && i - name <= MAX_NAME && secretName(text, name, i);
    const multi = secret && multiPart(text, name, i);
    let end = start;
    while (end < to) {
      const c = text.charCodeAt(end);
      if (c === 37) {
        const e = escapeAt(text, end);
        if (e !== -1 && e < 128 && ENDS[e]! >= (multi ? 2 : 1)) break;
        end += e === -1 ? 1 : 3;
      } else if (c === 43 && !multi) break;
      else end++;
    }
    if (secret && end > start && !(end - start === 8 && text.startsWith('REDACTED', start))) {
      encodedValueEnd = end;
      return start;
    }
    name = end;
    i = end;
  }
  return -1;
}

export function createEncodedNameScrubber(
  params: ReadonlySet<string>,
  replacement: string,
): EncodedNameScrubber {
  const names = secretNamesOf(params);

  function secretName(text: string, from: number, to: number): boolean {
    if (isSecretParam(text, from, to, params, names)) return true;
    if (!decodable(text, from, to)) return false;
    const decoded = decodeURIComponent(text.slice(from, to).replace(/\+/g, ' '));
    return endsInSecretName(decoded, 0, decoded.length, QUERY_SECRET_SUFFIXES);
  }

  /** Names with an escape in them before a literal `=`: see the file's comment. */
  function escapedNames(text: string, first: number, budget: SecretBudget): string {
    let pct = first;
    const n = text.length;
    let out = '';
    let copied = 0;
    let scanned = 0;
    while (pct !== -1) {
      let start = pct;
      while (start > scanned && isNameChar(text.charCodeAt(start - 1))) start--;
      let end = pct + 1;
      while (end < n && isNameChar(text.charCodeAt(end))) end++;
      scanned = end;
      if (end < n && text.charCodeAt(end) === 61 && end - start <= MAX_NAME && secretName(text, start, end)) {
        let valueEnd = end + 1;
        while (valueEnd < n && isValueChar(text.charCodeAt(valueEnd))) valueEnd++;
        const value = text.slice(end + 1, valueEnd);
        if (value !== '' && value !== 'REDACTED' && value !== replacement) {
          out += text.slice(copied, end + 1) + replacement;
          // Past the budget (budget.ts), this value runs to the end of the text.
          if (!takeSecret(budget)) return out;
          copied = valueEnd;
        }
        scanned = valueEnd;
      }
      pct = text.indexOf('%', scanned);
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /**
   * Pairs encoded whole: each run of name characters around an escaped `=` or `:` (found by
   * nextSeparator, the search going on after the run) is read by encodedValue. A pass of its own:
   * in the loop above, the check cost every run (a text of 256 KB of `%`: 0.7 -> 1.9 ms).
   */
  function encodedPairs(text: string, budget: SecretBudget): string {
    let sep = nextSeparator(text, 0);
    if (sep === -1) return text;
    const n = text.length;
    let out = '';
    let copied = 0;
    let scanned = 0;
    while (sep !== -1) {
      let start = sep;
      while (start > scanned && isNameChar(text.charCodeAt(start - 1))) start--;
      let end = sep + 1;
      while (end < n && isNameChar(text.charCodeAt(end))) end++;
      scanned = end;
      for (let at = encodedValue(text, start, end, secretName); at !== -1; ) {
        const to = encodedValueEnd;
        out += text.slice(copied, at) + replacement;
        // Past the budget (budget.ts), this value runs to the end of the text.
        if (!takeSecret(budget)) return out;
        copied = to;
        at = encodedValue(text, to, end, secretName);
      }
      sep = end < n ? nextSeparator(text, end) : -1;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  return (text, budget = secretBudget()) => {
    const pct = text.indexOf('%');
    if (pct === -1) return text;
    const names = escapedNames(text, pct, budget);
    return budget.spent ? names : encodedPairs(names, budget);
  };
}
