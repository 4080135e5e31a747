import { hexValue } from '../util/hex-digit.js';
import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isScrubbed } from './chars.js';
import { endsInSecretName, type SecretSuffixes } from './param-names.js';

/**
 * `password\u003dhunter2` and `password&#61;hunter2`: a pair whose `=` (or `:`) is written escaped,
 * as JSON writers that escape HTML's characters do (Gson by default: `"q":"password\u003dx\u0026…"`)
 * and as HTML does (`&#61;`, `&#x3D;`, `&equals;`). The `name=value` rules (inline.ts) read the
 * separator as written, so the value went out (until 2026-12-07); `%3D` is encoded-names.ts's. Here
 * the name before such an escape, when it ends in a secret name as inline.ts's names do (`password`,
 * `db_password`, `dbPassword`), has its value replaced: a quoted one (`"…"`, `'…'`, `\"…\"`, or a
 * quote written as the same escape, `\u0022…\u0022`, `&quot;…&quot;`) to its close on its line, an
 * unquoted one to a blank, a quote, `,`, `;`, `&`, `}` or an escape of one (`\u0026`, `\n`).
 *
 * Linear: the escapes are found by one regex of literals; the name before each is read back at most
 * MAX_NAME characters (to the escape before it, whose `\` or `;` no name holds), and the value is
 * read once, the search going on after it.
 */
export type EscapedSeparatorScrubber = (text: string, budget?: SecretBudget) => string;

/** `=` and `:` escaped in JSON (`\u003d`), in JavaScript or C (`\x3d`), in HTML (`&#61;`, `&#x3d;`, `&equals;`). */
const SEPARATOR = /\\u003[aAdD]|\\x3[aAdD]|&#(?:61|58|[xX]3[aAdD]);|&(?:equals|colon);/g;
const MAX_NAME = 128;
/** The longest quoted value read to its close; a longer one is hidden to this bound. */
const MAX_QUOTED = 1024;
const BACKSLASH = 92;
const AMP = 38;

/** `[A-Za-z0-9_.-]`: what a name before an escaped separator is written with. */
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 46 || c === 45;
}

/** A character of an unquoted value: not a blank, quote, `,`, `;`, `&`, `}`, `<` or `>`. */
function isValueChar(c: number): boolean {
  return (
    c > 32 && c !== 34 && c !== 39 && c !== 44 && c !== 59 && c !== AMP && c !== 125 && c !== 60 && c !== 62
  );
}

/** The quotes a value may open with, each closed by itself. */
const QUOTES = ['\\"', '"', "'", '\\u0022', '\\u0027', '&quot;', '&#34;', '&#39;', '&apos;', '&#x27;'];

/** The quote at `at`, or undefined. */
function quoteAt(text: string, at: number): string | undefined {
  for (const q of QUOTES) if (text.startsWith(q, at)) return q;
  return undefined;
}

/** The quote that ends at `at`, or undefined. Each ends in `"`, `'`, `;`, `2` or `7`: others are not tried. */
function quoteBefore(text: string, at: number): string | undefined {
  const c = text.charCodeAt(at - 1);
  if (c !== 34 && c !== 39 && c !== 59 && c !== 50 && c !== 55) return undefined;
  for (const q of QUOTES) if (text.endsWith(q, at)) return q;
  return undefined;
}

/**
 * Where the separator SEPARATOR matched, ending at `end`, starts: its `\` or `&`. Found from the end
 * so that the search needs `test`, not `exec`, whose match array cost ~0.2 µs a separator where
 * they are dense (256 KB of `a\u003d&#61;`).
 */
function separatorStart(text: string, end: number): number {
  // `\x3d` / `\u003d`.
  if (text.charCodeAt(end - 1) !== 59) return text.charCodeAt(end - 3) === 120 ? end - 4 : end - 6;
  // `&#61;` / `&#x3d;` / `&equals;` / `&colon;`, told apart by their character before `;`.
  const last = text.charCodeAt(end - 2);
  if (last === 49 || last === 56) return end - 5;
  return last === 115 ? end - 8 : last === 110 ? end - 7 : end - 6;
}

/**
 * Where the unquoted value at `from` ends: at a character no value has, or a backslash escape of one
 * (`\u0026`, `\u0022`, `\n`, `\"`); other escapes (`\u00e9`) are the value's.
 */
function bareEnd(text: string, from: number): number {
  const n = text.length;
  let p = from;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === BACKSLASH) {
      const next = text.charCodeAt(p + 1);
      if (next === 117 /* u */ && text.startsWith('00', p + 2)) {
        const high = hexValue(text.charCodeAt(p + 4));
        const low = hexValue(text.charCodeAt(p + 5));
        if (high !== -1 && low !== -1 && !isValueChar(high * 16 + low)) return p;
        p += 6;
        continue;
      }
      // `\n`, `\r`, `\t`, `\"`, `\'`: a line's end, a blank or a quote.
      if (next === 110 || next === 114 || next === 116 || next === 34 || next === 39) return p;
      p += 2;
      continue;
    }
    if (!isValueChar(c)) return p;
    p++;
  }
  return n;
}

/** Where the value quoted by `quote` at `open` ends (at its closing quote), or its line's end, within MAX_QUOTED. */
function quotedEnd(text: string, open: number, quote: string): number {
  const from = open + quote.length;
  const limit = Math.min(text.length, from + MAX_QUOTED);
  const first = quote.charCodeAt(0);
  for (let p = from; p < limit; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) return p;
    if (c === first && text.startsWith(quote, p)) {
      // `\\"` inside `"…"`: an escaped quote, the value's.
      if (quote === '"' && text.charCodeAt(p - 1) === BACKSLASH) continue;
      return p;
    }
  }
  return limit;
}

export function createEscapedSeparatorScrubber(
  replacement: string,
  names: SecretSuffixes,
): EscapedSeparatorScrubber {
  return (text, budget = secretBudget()) => {
    if (text.indexOf('\\') === -1 && text.indexOf('&') === -1) return text;
    let out = '';
    let copied = 0;
    SEPARATOR.lastIndex = 0;
    while (SEPARATOR.test(text)) {
      const at = separatorStart(text, SEPARATOR.lastIndex);
      // A name quoted (`&quot;password&quot;&#58;…`: JSON inside HTML) ends before its closing quote.
      const nameTo = at - (quoteBefore(text, at)?.length ?? 0);
      let nameFrom = nameTo;
      while (nameFrom > copied && nameTo - nameFrom < MAX_NAME && isNameChar(text.charCodeAt(nameFrom - 1)))
        nameFrom--;
      if (nameFrom === nameTo || !endsInSecretName(text, nameFrom, nameTo, names, true)) continue;
      let from = SEPARATOR.lastIndex;
      while (text.charCodeAt(from) === 32) from++;
      const quote = quoteAt(text, from);
      let to: number;
      if (quote !== undefined) {
        from += quote.length;
        to = quotedEnd(text, from - quote.length, quote);
      } else to = bareEnd(text, from);
      if (to <= from || isScrubbed(text, from, to, replacement)) continue;
      out += text.slice(copied, from) + replacement;
      copied = to;
      SEPARATOR.lastIndex = to;
      // Past the budget (budget.ts), this value runs to the end of the text.
      if (!takeSecret(budget)) return out;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
