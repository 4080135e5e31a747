/**
 * Characters a terminal or a line-based log reader acts on rather than shows: C0 controls but tab
 * (line breaks, carriage return, escape sequences, backspace, bell), DEL, C1 controls, the Unicode
 * line and paragraph separators, and the bidirectional overrides and isolates that reorder what
 * is displayed ("Trojan Source"). One character class: linear.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

function escaped(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/**
 * `text` with what {@link UNPRINTABLE} matches written out as escapes (`\n`, `\x1b`, `\u202e`), so
 * that text from outside (a collector's error message, an exception's, a span name) shown in one
 * of our lines stays on that line and cannot forge another, recolour the terminal or clear it.
 */
export function printable(text: string): string {
  UNPRINTABLE.lastIndex = 0;
  return UNPRINTABLE.test(text) ? text.replace(UNPRINTABLE, escaped) : text;
}

/**
 * The characters of {@link UNPRINTABLE} that util.inspect leaves in the strings it quotes (it escapes
 * the C0 and C1 controls and DEL): the line and paragraph separators and the bidirectional
 * overrides and isolates.
 */
const REORDERING = /[\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** util.inspect's output with what it leaves of {@link UNPRINTABLE} written out (`\u202e`). */
export function printableInspected(text: string): string {
  REORDERING.lastIndex = 0;
  return REORDERING.test(text) ? text.replace(REORDERING, escaped) : text;
}
