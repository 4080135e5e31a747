import { INLINE_GLUED_NAMES, INLINE_MULTI_PART_NAMES, INLINE_SECRET_NAMES } from './defaults.js';

/** The longest braced value (`{…}`) read as one, in units (a character, or `}}`). */
export const MAX_BRACED = 256;

/** Exported for the reference regex of test/unit/redaction/inline.test.ts. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `ab` → `[aA][bB]`: case-insensitive letters in a regex source without the `i` flag. */
export function anyCase(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += source.slice(i, i + 2);
      i++;
    } else {
      const lower = c.toLowerCase();
      const upper = c.toUpperCase();
      out += lower !== upper ? `[${lower}${upper}]` : c;
    }
  }
  return out;
}

/**
 * The regex that finds `name=value` / `Name: value` pairs in free text, without capture groups:
 * it says where a pair starts and inline.ts takes it apart. Linear: a name is literal, and each
 * part after it is a run of one class (a quoted value scans to its closing quote once).
 */
export function inlineLocator(replacement: string, userNames: readonly string[]): RegExp {
  const multiPart = INLINE_MULTI_PART_NAMES.map(escapeRegex).join('|');
  const singlePart = [
    ...INLINE_SECRET_NAMES.filter((n) => !INLINE_MULTI_PART_NAMES.includes(n)),
    ...userNames,
  ]
    .map(escapeRegex)
    .join('|');
  const glued = INLINE_GLUED_NAMES.map(escapeRegex).join('|');
  // A quoted value, or an escaped one (`\"…\"`: JSON inside a JSON string), see escapedQuotedEnd.
  const q =
    `(?:"(?:[^"\\\\]|\\\\.)*"|'(?:[^'\\\\]|\\\\.)*'` +
    `|\\\\"(?:[^"\\\\]|\\\\[^"\\\\]|\\\\\\\\(?:\\\\[\\s\\S]|[^"\\\\]))*\\\\"` +
    // ODBC's braced value (`PWD={pa;ss}`), read as bracedEnd in inline.ts does.
    `|\\{(?:[^}\\r\\n]|\\}\\}){0,${MAX_BRACED}}\\})`;
  // After the name: an optional `]` (a form field `user[password]=…`), an optional `[]` (a list's
  // item, `password[]=…`, `user[password][]=…`: PHP, qs), then an optional quote, or escaped quote,
  // that closes it, and after that quote a subscript's `]` (`os.environ['PASSWORD'] = …`).
  const close = `\\]?(?:\\[\\])?(?:(?:\\\\"|["'])\\]?)?`;
  // A value that is already scrubbed (a URL query inside the text, a pattern hit) is left alone:
  // one that is exactly `REDACTED` or the replacement (which a value can only equal when it has no
  // character that ends a value).
  const done = (valueChars: RegExp) =>
    valueChars.test(replacement) ? `(?:REDACTED|${escapeRegex(replacement)})` : 'REDACTED';
  // `Cookie: a=1; b=2` runs to the end of the line; `password=x` to the next separator. Without the
  // `i` flag, so `REDACTED` is matched exactly; the names are made case-insensitive letter by letter.
  // A glued name (`PGPASSWORD=x`) is tried only after a letter or digit, where no other name starts:
  // one more literal at each position, still linear. `=>` separates too (Ruby's, Perl's and PHP's
  // `'password' => 'x'`, whose value went out: `>` was taken for it), and `=` alone when no value
  // follows `=>`. Make's `?=` and `+=` too; a blank escaped by a backslash is a value's (a shell word).
  const single = `${close}\\s*(?:=>|:=|[?+]=|[:=])\\s*(?:${q}|(?!${done(/^[^\s"',;&}]+$/)}(?![^\\s"',;&}]))(?:\\\\[ \\t]|[^\\s"',;&}])+)`;
  return new RegExp(
    `(?<![A-Za-z0-9])(?:(?:${anyCase(multiPart)})${close}\\s*(?:=>|:=|[?+]=|[:=])\\s*(?:${q}|(?!\\s*${done(/^[^\r\n"']+$/)}(?![^\\r\\n"']))[^\\r\\n"']+)` +
      `|(?:${anyCase(singlePart)})${single})` +
      `|(?<=[A-Za-z0-9])(?:${anyCase(glued)})${single}`,
    'g',
  );
}
