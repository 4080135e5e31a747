import { isLetter } from './chars.js';
import { isEscapedQuote, quoteClose } from './quotes.js';

/**
 * Where the shell command around a place in free text starts and ends, and the command before it
 * (stdin-passwords.ts: what `echo` pipes into `docker login --password-stdin`). Commands end at
 * `|`, `;`, `&`, `(`, `)`, a backquote and a line's end, outside quotes (bash's `|&` is one pipe,
 * until 2026-12-07 read as an empty command between `|` and `&`; the `&` of a redirection, `2>&1`,
 * `&>file`, is a word's): `echo 'a|b;c' | docker
 * login --password-stdin` pipes `a|b;c` (until 2026-12-07 quotes were not read, and a password
 * holding one of those was read short and kept). A backslash escapes the character after it.
 *
 * A quote around the place itself is an outer layer, not a word: `sh -c "echo pw | docker login
 * --password-stdin"`, a JSON string `"cmd":"echo \"pw\" | …"`; its content is read as commands, in
 * which an escaped `\"` is a quote (MAX_DEPTH layers). A quote that does not close on its line
 * within MAX_QUOTED is read as a character, so an unclosed one costs no scan to the text's end and
 * hides nothing a shell would not have split. An apostrophe between two letters (`Don't`) is prose's.
 *
 * Groups: what `( … )` or `{ …; }` writes goes into the pipe after it, so a group that closes right
 * before the command left of the place is said (`group`, `groupEnd`): `(echo pw; echo pw) | passwd`.
 * `$( … )`, `<( … )` and `>( … )` are substitutions, not groups. A quote that does not close is
 * remembered (`unclosed`) while the pipeline it is in goes on (commands joined by a single `|`): a
 * formatted command with a password holding a quote (`echo 'a|b | docker login --password-stdin`)
 * is read as a writer whose word runs to the reader's pipe.
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
  /** Where the group (`(` or `{`) whose output `sep` pipes opens, or -1: the command before `sep` is only its close. */
  group: -1,
  /** Where that group's `)` or `}` is. */
  groupEnd: -1,
  /** Where the command that holds a quote not closed on its line starts, when that command is in the pipeline before `sep`; else -1. */
  unclosed: -1,
  /** Whether the layer read is inside an outer `"…"`, where `\"` is a quote (for splitCommand). */
  escaped: false,
};

/** Groups nested deeper than this are not told apart (their closes are read as characters' ends). */
const MAX_GROUPS = 16;
/** Where each open group starts (-1: a substitution's `(`), to MAX_GROUPS deep; module state, a pass never runs inside another. */
const opens: number[] = [];

const MAX_QUOTED = 1024;
const MAX_DEPTH = 3;
const SQUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;
const PIPE = 124;
const LPAREN = 40;
const RPAREN = 41;
const LBRACE = 123;
const RBRACE = 125;

/** What ends a command: `|`, `;`, `&`, `(`, `)`, a backquote, a line's end. */
function endsCommand(c: number): boolean {
  return c === 124 || c === 59 || c === 38 || c === 40 || c === 41 || c === 96 || c === 10 || c === 13;
}

/**
 * Characters that locateCommand reads as nothing but a word's (1): not a command's end, a quote, a
 * backslash, a brace or a blank. A run of them is passed in one tight loop, not a step() each
 * (256 KB of commands read ~2.5x faster). 2: also blanks and braces, which only the end's search
 * passes by.
 */
const PLAIN = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const quoteOrEscape = c === SQUOTE || c === DQUOTE || c === BACKSLASH;
  if (endsCommand(c) || quoteOrEscape) continue;
  PLAIN[c] = c === 32 || c === 9 || c === LBRACE || c === RBRACE ? 2 : 1;
}

/** Whether `c` is a word's character only (PLAIN 1): locateCommand's reading of it sets `blank` false, no more. */
function isWordOnly(c: number): boolean {
  return c >= 128 || PLAIN[c] === 1;
}

/** A run of characters passesEnd takes (all but `|;&()` a backquote, a line's end, quotes and `\`), read by the regex engine (256 KB: 0.1 ms, 0.5 a character at a time). */
const ENDLESS_RUN = /[^|;&()`\n\r'"\\]*/y;

/** Whether the end's search reads `c` as one character that ends nothing (PLAIN 1 or 2). */
function passesEnd(c: number): boolean {
  return c >= 128 || PLAIN[c] !== 0;
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
    command.escaped = escaped;
    // Groups: how deep, and the last one closed; the pipeline's start and its unclosed quote's command.
    let groups = 0;
    let lastOpen = -1;
    let lastClose = -1;
    let blank = true;
    let pipeline = begin;
    let unclosed = -1;
    let p = begin;
    let outer = -1;
    while (p < at) {
      const c = text.charCodeAt(p);
      if (isWordOnly(c)) {
        blank = false;
        p++;
        while (p < at && isWordOnly(text.charCodeAt(p))) p++;
        continue;
      }
      const next = step(text, p, limit, escaped);
      if (closeAt >= at && depth < MAX_DEPTH) {
        outer = p;
        break;
      }
      // A quote around the place, past MAX_DEPTH layers: read as characters.
      if (closeAt >= at) {
        p += c === BACKSLASH ? 2 : 1;
        continue;
      }
      const single = closeAt === -1 && next === p + 1;
      if (single && endsCommand(c) && !isRedirectAmp(text, p)) {
        if (c === LPAREN) {
          if (groups < MAX_GROUPS) opens[groups] = isSubstitution(text, p) ? -1 : p;
          groups++;
        } else if (c === RPAREN && groups > 0) {
          groups--;
          if (groups < MAX_GROUPS) [lastOpen, lastClose] = [opens[groups]!, p];
        }
        // A single `|` goes on with the pipeline; anything else ends it.
        if (c !== PIPE || text.charCodeAt(p - 1) === PIPE || text.charCodeAt(p + 1) === PIPE) {
          pipeline = p + 1;
          unclosed = -1;
        }
        command.left = command.start;
        command.sep = p;
        command.start = p + 1;
        blank = true;
        // bash's `|&` is one pipe (stderr too), not a `|` then a `&` that ends an empty command.
        if (isPipeAmp(text, p) && p + 2 <= at) {
          command.start = p + 2;
          p += 2;
          continue;
        }
      } else {
        // `{` and `}` are words at a command's start: `{ echo pw; }`.
        if (blank && c === LBRACE && isWordEnd(text, p + 1)) {
          if (groups < MAX_GROUPS) opens[groups] = p;
          groups++;
        } else if (blank && c === RBRACE && groups > 0 && isWordEnd(text, p + 1)) {
          groups--;
          if (groups < MAX_GROUPS) [lastOpen, lastClose] = [opens[groups]!, p];
        }
        if (single && unclosed === -1 && (c === SQUOTE || c === DQUOTE) && !isApostrophe(text, p))
          unclosed = command.start;
        if (c !== 32 && c !== 9) blank = false;
      }
      p = next;
    }
    if (outer === -1) {
      const left = command.left;
      command.group =
        left !== -1 &&
        lastOpen !== -1 &&
        lastClose >= left - 1 &&
        onlyBlanks(text, lastClose + 1, command.sep)
          ? lastOpen
          : -1;
      command.groupEnd = command.group === -1 ? -1 : lastClose;
      command.unclosed =
        left !== -1 && unclosed !== -1 && unclosed >= pipeline && unclosed < left ? unclosed : -1;
      break;
    }
    escaped = text.charCodeAt(outer) !== SQUOTE;
    begin = outer + (text.charCodeAt(outer) === BACKSLASH ? 2 : 1);
    limit = text.charCodeAt(outer) === BACKSLASH ? closeAt - 1 : closeAt;
  }
  let p = atEnd;
  while (p < limit) {
    const c = text.charCodeAt(p);
    if (passesEnd(c)) {
      // The run, by the regex engine: it stops at the first character that is not one (`limit` is
      // one: a quote, the backslash of `\"`, or the text's end).
      ENDLESS_RUN.lastIndex = p + 1;
      ENDLESS_RUN.test(text);
      p = Math.min(ENDLESS_RUN.lastIndex, limit);
    } else if (endsCommand(c) && !isRedirectAmp(text, p)) break;
    else p = step(text, p, limit, escaped);
  }
  command.end = Math.min(p, limit);
}

/**
 * Where the command at `from` ends in text[from, to) (its end character, or `to`), quotes read as
 * locateCommand read the layer it last located: the commands inside a group.
 */
export function commandEndAfter(text: string, from: number, to: number): number {
  let p = from;
  while (p < to) {
    if (passesEnd(text.charCodeAt(p))) {
      p++;
      continue;
    }
    const next = step(text, p, to, command.escaped);
    if (closeAt === -1 && next === p + 1 && endsCommand(text.charCodeAt(p)) && !isRedirectAmp(text, p))
      return p;
    p = next;
  }
  return to;
}

/** Whether bash's `|&` (a pipe that takes stderr too) is at `p`: not `||&`. */
function isPipeAmp(text: string, p: number): boolean {
  return text.charCodeAt(p) === PIPE && text.charCodeAt(p + 1) === 38 && text.charCodeAt(p - 1) !== PIPE;
}

/**
 * Whether the `&` at `p` is part of a redirection, a word of its command, not the end of it:
 * `2>&1`, `>&2`, `<&3` (after `>` or `<`), `&>file`, `&>>file` (before `>`, not after another `&`).
 * Until 2026-12-07, `echo pw 2>&1 | docker login --password-stdin` ended the echo at `&`.
 */
function isRedirectAmp(text: string, p: number): boolean {
  if (text.charCodeAt(p) !== 38) return false;
  const before = text.charCodeAt(p - 1);
  if (before === 62 || before === 60) return true;
  return text.charCodeAt(p + 1) === 62 && before !== 38;
}

/** `$(`, `<(`, `>(`: a substitution, whose output is a word, not a group's. */
function isSubstitution(text: string, open: number): boolean {
  const before = text.charCodeAt(open - 1);
  return before === 36 || before === 60 || before === 62;
}

/** Whether a word ends at `at`: a blank, a command's end, or the text's end. */
function isWordEnd(text: string, at: number): boolean {
  if (at >= text.length) return true;
  const c = text.charCodeAt(at);
  return c === 32 || c === 9 || endsCommand(c);
}

/** An apostrophe between two letters (`Don't`): prose's, as step reads it. */
function isApostrophe(text: string, at: number): boolean {
  return (
    text.charCodeAt(at) === SQUOTE && isLetter(text.charCodeAt(at - 1)) && isLetter(text.charCodeAt(at + 1))
  );
}

/** Whether text[from, to) holds only spaces and tabs. */
function onlyBlanks(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}
