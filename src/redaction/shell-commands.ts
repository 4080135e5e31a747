import { isLetter } from './chars.js';
import { isEscapedQuote, quoteClose } from './quotes.js';

/**
 * Where the shell command around a place in free text starts and ends, and the command before it
 * (stdin-passwords.ts: what `echo` pipes into `docker login --password-stdin`). Commands end at
 * `|`, `;`, `&`, `(`, `)`, a backquote and a line's end, outside quotes: `echo 'a|b;c' | docker
 * login --password-stdin` pipes `a|b;c` (until 2026-12-07 quotes were not read, and a password
 * holding one of those was read short and kept). A backslash escapes the character after it.
 *
 * A quote around the place itself is an outer layer, not a word: `sh -c "echo pw | docker login
 * --password-stdin"`, a JSON string `"cmd":"echo \"pw\" | …"`; its content is read as commands, in
 * which an escaped `\"` is a quote (MAX_DEPTH layers). A quote that does not close on its line
 * within MAX_QUOTED is read as a character, so an unclosed one costs no scan to the text's end and
 * hides nothing a shell would not have split. An apostrophe between two letters (`Don't`) is prose's.
 *
 * Linear: reading starts at the last command's end (the caller's `from`), each layer reads the
 * text up to the place again at most once, and a quote that does not close is looked at once (no
 * later quote of its kind on the line closes either).
 */
export const command = {
  /** Where the command starts (after the end of the one before, or an outer quote). */
  start: 0,
  /** Where it ends: at its end character, an outer quote's close, or the text's end. */
  end: 0,
  /** The end character before it (`|`…), or -1. */
  sep: -1,
  /** Where the command before `sep` starts, or -1 when there is none. */
  left: -1,
};

const MAX_QUOTED = 1024;
const MAX_DEPTH = 3;
const SQUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;

/** What ends a command: `|`, `;`, `&`, `(`, `)`, a backquote, a line's end. */
function endsCommand(c: number): boolean {
  return c === 124 || c === 59 || c === 38 || c === 40 || c === 41 || c === 96 || c === 10 || c === 13;
}

/** Set by step: where the quote that opens at the place read ends, or -1 when none opens there. */
let closeAt = -1;

/**
 * Reads the one thing at `p` (a quoted string, an escape, a character) before `limit`; returns where
 * the next begins. `escaped`: inside an outer `"…"`, where `\"` is a quote.
 */
function step(text: string, p: number, limit: number, escaped: boolean): number {
  const c = text.charCodeAt(p);
  closeAt = -1;
  if (c === BACKSLASH && !(escaped && isEscapedQuote(text, p))) return p + 2;
  if (c !== SQUOTE && c !== DQUOTE && c !== BACKSLASH) return p + 1;
  // An apostrophe between letters (`Don't run: echo 'pw' | …`) is prose's, not a quote.
  if (c === SQUOTE && isLetter(text.charCodeAt(p - 1)) && isLetter(text.charCodeAt(p + 1))) return p + 1;
  closeAt = quoteClose(text, p, Math.min(limit, p + MAX_QUOTED), c === BACKSLASH);
  return closeAt === -1 ? p + (c === BACKSLASH ? 2 : 1) : closeAt + 1;
}

/**
 * Locates the command that holds text[at, atEnd) (a word that reads from stdin), reading from
 * `from`, a command's end or the text's start.
 */
export function locateCommand(text: string, from: number, at: number, atEnd: number): void {
  let begin = from;
  let limit = text.length;
  let escaped = false;
  for (let depth = 0; ; depth++) {
    command.start = begin;
    command.sep = -1;
    command.left = -1;
    let p = begin;
    let outer = -1;
    while (p < at) {
      const next = step(text, p, limit, escaped);
      if (closeAt >= at && depth < MAX_DEPTH) {
        outer = p;
        break;
      }
      // A quote around the place, past MAX_DEPTH layers: read as characters.
      if (closeAt >= at) {
        p += text.charCodeAt(p) === BACKSLASH ? 2 : 1;
        continue;
      }
      if (closeAt === -1 && next === p + 1 && endsCommand(text.charCodeAt(p))) {
        command.left = command.start;
        command.sep = p;
        command.start = p + 1;
      }
      p = next;
    }
    if (outer === -1) break;
    escaped = text.charCodeAt(outer) !== SQUOTE;
    begin = outer + (text.charCodeAt(outer) === BACKSLASH ? 2 : 1);
    limit = text.charCodeAt(outer) === BACKSLASH ? closeAt - 1 : closeAt;
  }
  let p = atEnd;
  while (p < limit && !endsCommand(text.charCodeAt(p))) p = step(text, p, limit, escaped);
  command.end = Math.min(p, limit);
}
