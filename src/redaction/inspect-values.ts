import { isAlnum, isLetter } from './chars.js';
import { MAX_BRACED } from './inline-locator.js';

/**
 * util.inspect's binary values after a secret name (inline.ts), whose bytes spell the secret:
 * - a Buffer, `{ password: <Buffer 68 75 6e 74 65 72 32> }` (2026-12-07);
 * - a typed array, `{ password: Uint8Array(7) [ 104, 117, 110, 116, 101, 114, 50 ] }`: until
 *   2026-12-07 only `Uint8Array(7)` was hidden and every number went out. util.inspect breaks a long
 *   one over lines and shows at most 100 items, then `... 100 more items`. Also one without a
 *   prototype, `[Uint8Array(2): null prototype] [ 1, 2 ]`;
 * - an ArrayBuffer, `ArrayBuffer { [Uint8Contents]: <68 75 6e>, byteLength: 3 }`, and a DataView
 *   holding one (2026-12-07: only `ArrayBuffer` or `DataView` was hidden).
 * Each read is bounded, and stops at a character util.inspect does not write there.
 */

const GT = 62;
const RBRACKET = 93;
const LF = 10;
const CR = 13;
/** util.inspect's Buffer: `<Buffer 68 75 6e 74 ... 42 more bytes>`. */
const BUFFER = '<Buffer ';
const TYPED_NAME =
  '(?:Uint8Clamped|Big(?:Ui|I)nt64|(?:Ui|I)nt(?:8|16|32)|Float(?:16|32|64))Array\\(\\d{1,10}\\)';
/**
 * A typed array's name, length and list's open: `Uint8Array(7) [`, `BigInt64Array(1) [`, and one
 * without a prototype, `[Uint8Array(2): null prototype] [`.
 */
const TYPED_ARRAY = new RegExp(`(?:${TYPED_NAME}|\\[${TYPED_NAME}: null prototype\\]) \\[`, 'y');
/**
 * util.inspect's ArrayBuffer (SharedArrayBuffer): `ArrayBuffer { [Uint8Contents]: <68 75 6e>,
 * byteLength: 3 }` (over lines when nested), to its `}`, or to its bytes' `>` when the rest is not util.inspect's, or to its
 * line's or the text's end when cut short in its bytes.
 */
const ARRAY_BUFFER =
  /(?:Shared)?ArrayBuffer \{\s{1,16}\[Uint8Contents\]: <[0-9a-z .]{0,256}(?:>(?:,\s{1,16}\[?byteLength\]?: \d{1,10}\s{1,16}\})?|(?=[\r\n]|$))/y;
/**
 * util.inspect's DataView, over its lines: its ArrayBuffer's bytes are the secret's. Node 22 and
 * later write its properties (and an ArrayBuffer's length) in brackets: `[byteLength]: 7`.
 */
const DATA_VIEW =
  /DataView \{\s{1,16}\[?byteLength\]?: \d{1,10},\s{1,16}\[?byteOffset\]?: \d{1,10},\s{1,16}\[?buffer\]?: (?:Shared)?ArrayBuffer \{\s{1,16}\[Uint8Contents\]: <[0-9a-z .]{0,256}>,\s{1,16}\[?byteLength\]?: \d{1,10}\s{1,16}\}\s{1,16}\}/y;
/**
 * The longest typed array list read. 100 items of Float64Array (`-1.2345678901234567e+300, `) and
 * the line breaks util.inspect puts between them stay well within it.
 */
export const MAX_TYPED_LIST = 4096;

/**
 * End of util.inspect's Buffer at `open`: past its `>`, or at its line's or the text's end (cut
 * short); -1 when it is none. Read as the regex `<Buffer [0-9a-z .]{0,256}(?:>|(?![^\r\n]))`:
 * util.inspect shows at most 50 bytes, and anything else stops the read.
 */
export function bufferEnd(text: string, open: number): number {
  if (!text.startsWith(BUFFER, open)) return -1;
  const n = text.length;
  const from = open + BUFFER.length;
  let p = from;
  while (p < n && p - from < MAX_BRACED && isBufferChar(text.charCodeAt(p))) p++;
  if (p < n && text.charCodeAt(p) === GT) return p + 1;
  return p >= n || text.charCodeAt(p) === LF || text.charCodeAt(p) === CR ? p : -1;
}

/** `[0-9a-z .]`: what util.inspect writes inside a Buffer's `<…>`. */
function isBufferChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || c === 32 || c === 46;
}

/** End of util.inspect's ArrayBuffer, SharedArrayBuffer (ARRAY_BUFFER) or DataView (DATA_VIEW) at `open`, or -1. */
export function arrayBufferEnd(text: string, open: number): number {
  const pattern = text.charCodeAt(open) === 68 ? DATA_VIEW : ARRAY_BUFFER;
  pattern.lastIndex = open;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

/**
 * End of util.inspect's typed array at `open` (`Uint8Array(7) [ 104, 117 ]`): past its `]`; -1 when
 * it is none. Its list is read to MAX_TYPED_LIST characters of what util.inspect writes in it
 * (isTypedListChar): when no `]` ends them (cut short), what was read is hidden, to the text's end
 * or to the character that stopped the read, the blanks before it and a name it separates
 * (`[ 104, 117 user=bob`) given back. Linear: no separator (`:`, `=`) is read, so the lists read
 * after two names never overlap.
 */
export function typedArrayEnd(text: string, open: number): number {
  TYPED_ARRAY.lastIndex = open;
  if (!TYPED_ARRAY.test(text)) return -1;
  const from = TYPED_ARRAY.lastIndex;
  const to = Math.min(text.length, from + MAX_TYPED_LIST);
  let p = from;
  while (p < to && isTypedListChar(text.charCodeAt(p))) p++;
  if (p >= to) return p;
  const c = text.charCodeAt(p);
  if (c === RBRACKET) return p + 1;
  // The word before a name's separator, when a letter starts it, is the name; the blanks before
  // what stopped the read are its own.
  let start = p;
  if (startsName(c)) {
    while (start > from && isNameChar(text.charCodeAt(start - 1))) start--;
    if (!isLetter(text.charCodeAt(start))) start = p;
  }
  while (start > from && isBlank(text.charCodeAt(start - 1))) start--;
  return start;
}

/** What may follow a name's letters: a separator, `_` (`api_key`), a quote. */
function startsName(c: number): boolean {
  return c === 58 || c === 61 || c === 95 || c === 34 || c === 39;
}

function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 45 || c === 46;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === LF || c === CR;
}

/**
 * What util.inspect writes in a typed array's list: digits and letters (`5n`, `1e+21`, `NaN`,
 * `-Infinity`, `... 100 more items`), `,`, `.`, `-`, `+`, blanks and line ends.
 */
function isTypedListChar(c: number): boolean {
  return (
    isAlnum(c) || c === 44 || c === 46 || c === 45 || c === 43 || c === 32 || c === 9 || c === LF || c === CR
  );
}
