import { isEscapedQuote, quoteClose } from './quotes.js';

/**
 * Where a list given as a secret's value ends (inline.ts): `password: [ 'a', 'b' ]`,
 * `"password":[["a","b"]]`, `{ password: ['a]b'] }`. Nested lists and quoted items are read as a
 * whole, so a `]` inside a quoted item or a nested list does not end it (until 2026-12-07 the first
 * `]` did: `[['a'], ['b']]` left `, ['b']]` and `['a]b']` left `b']`). A list may span lines, as
 * `JSON.stringify(…, null, 2)` and util.inspect write a long one.
 *
 * Linear: one list is read at most MAX_LIST units (a character, or an escape's two); a quote is
 * looked for its close on its own line only (quotes.ts), and when it has none it is read as a
 * character (then no later quote of its kind on that line can close either: one such look per kind
 * and line). A list that does not close leaves in `listRead` where the reading stopped; inline.ts
 * reads no list that starts before that again.
 */
export const MAX_LIST = 4096;
/** The deepest nesting read: past it, reading stops (inline.ts then takes the first `]`). */
export const MAX_LIST_DEPTH = 16;

const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const LBRACKET = 91;
const RBRACKET = 93;
const LF = 10;
const CR = 13;

/** Where the last listClose that found no close stopped reading, and the first line end it read (-1: none). */
export const listRead = { stop: 0, lineEnd: -1 };

/** Past the `]` that closes the list opening at `open`, or -1 (see listRead). */
export function listClose(text: string, open: number): number {
  const limit = Math.min(text.length, open + MAX_LIST);
  let depth = 1;
  let p = open + 1;
  listRead.lineEnd = -1;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (c === RBRACKET) {
      if (--depth === 0) return p + 1;
      p++;
    } else if (c === LBRACKET) {
      if (++depth > MAX_LIST_DEPTH) break;
      p++;
    } else if (c === SQUOTE || c === DQUOTE || (c === BACKSLASH && isEscapedQuote(text, p))) {
      const close = quoteClose(text, p, limit, c === BACKSLASH);
      p = close === -1 ? p + (c === BACKSLASH ? 2 : 1) : close + 1;
    } else {
      if ((c === LF || c === CR) && listRead.lineEnd === -1) listRead.lineEnd = p;
      p++;
    }
  }
  listRead.stop = p;
  if (listRead.lineEnd === -1) listRead.lineEnd = p;
  return -1;
}
