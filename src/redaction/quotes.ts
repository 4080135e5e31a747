/**
 * Quoted strings as the scanners of shell commands and lists read them (shell-commands.ts,
 * list-values.ts): `'…'` without escapes, `"…"` with backslash escapes, and an escaped `\"…\"`, the
 * inner layer of a JSON string (`"cmd":"echo \"pw\" | …"`) or of `sh -c "…"`. A quoted string ends
 * on its own line: one that does not close there is read as characters by both.
 */

const DQUOTE = 34;
const BACKSLASH = 92;
const LF = 10;
const CR = 13;

/** Whether an escaped quote `\"` is at `at`. */
export function isEscapedQuote(text: string, at: number): boolean {
  return text.charCodeAt(at) === BACKSLASH && text.charCodeAt(at + 1) === DQUOTE;
}

/**
 * Index of the quote closing the one that opens at `open` (for an escaped `\"` when `escaped`: of
 * the `"` of the closing `\"`), before a line's end and `limit`; -1 when none.
 */
export function quoteClose(text: string, open: number, limit: number, escaped: boolean): number {
  const quote = text.charCodeAt(escaped ? open + 1 : open);
  let p = escaped ? open + 2 : open + 1;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR) return -1;
    if (c === BACKSLASH && quote === DQUOTE) {
      const next = text.charCodeAt(p + 1);
      if (escaped && next === DQUOTE) return p + 1 < limit ? p + 1 : -1;
      if (next === LF || next === CR) return -1;
      p += 2;
    } else if (c === quote && !escaped) return p;
    else p++;
  }
  return -1;
}
