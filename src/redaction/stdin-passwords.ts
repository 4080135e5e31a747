import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isLetter, isScrubbed, isWord } from './chars.js';

/**
 * Passwords given to a command on its standard input, in free text (a logged shell command, `sh -c
 * "…"` in an argument list): no flag or `=` names them, the command that reads them does.
 * - `echo 's3cret' | docker login -u bob --password-stdin r.io` (any command's `--password-stdin`:
 *   podman, helm registry, oras, skopeo…; gh's `--with-token`), `echo pw | passwd --stdin bob`,
 *   `echo pw | sudo -S cmd`: what `echo` or `printf` writes into the pipe is hidden;
 * - `echo 'bob:s3cret' | chpasswd`: the part after the user's `:`;
 * - the same readers' here-string, `docker login --password-stdin <<< s3cret`, `chpasswd <<< 'bob:pw'`.
 * What only says where the password comes from is kept: another command's output (`cat pw.txt |`,
 * `aws ecr get-login-password |`), a file (`< pw.txt`), a shell expansion (`"$PW"`, `$(cat f)`).
 *
 * Commands are split at `|`, `;`, `&`, `(`, a backquote and a line's end, quotes not considered: a
 * password holding one of those inside quotes is read short and kept (the rest of the command, not
 * the password, is what a miss loses).
 *
 * Linear: the readers are located by one regex of literals; from each, the text back to the last
 * one's end at most is read twice (to its line's start, then its words forward), and the search goes
 * on after the reader's command.
 */
export type StdinPasswordScrubber = (text: string, budget?: SecretBudget) => string;

/**
 * What locates a reader (`--password-stdin`, `--with-token`, `--stdin`, `chpasswd`, `sudo -S`), by
 * needles searched with indexOf, each again only once passed: one regex of the five cost 0.45-0.7
 * ms for 256 KB of prose with a `|` in it, these ~0.05 (a needle that starts with a letter common
 * in prose, `stdin`, `sudo`, cost more). Module state: a pass never runs inside another.
 */
const NEEDLES = ['-stdin', '-with-token', 'chpasswd', '-S'];
const nextAt = [-2, -2, -2, -2];
/** The reader nextReader found: where its needle is, and its length from where it returns. */
let needleAt = 0;
let readerLength = 0;

/** Where the next reader at or after `from` starts (its needle in needleAt), or -1. */
function nextReader(text: string, from: number): number {
  for (;;) {
    let best = -1;
    let which = 0;
    for (let k = 0; k < NEEDLES.length; k++) {
      let at = nextAt[k]!;
      if (at !== -1 && at < from) {
        at = text.indexOf(NEEDLES[k]!, from);
        nextAt[k] = at;
      }
      if (at !== -1 && (best === -1 || at < best)) {
        best = at;
        which = k;
      }
    }
    if (best === -1) return -1;
    needleAt = best;
    from = best + 1;
    if (which === 2) {
      readerLength = 8;
      return best;
    }
    if (which === 0 && best >= 10 && text.startsWith('--password', best - 10)) {
      readerLength = 16;
      return best - 10;
    }
    if ((which === 0 || which === 1) && best > 0 && text.charCodeAt(best - 1) === 45) {
      readerLength = which === 0 ? 7 : 12;
      return best - 1;
    }
    if (which === 3 && best >= 5 && text.startsWith('sudo ', best - 5)) {
      readerLength = 7;
      return best - 5;
    }
  }
}

const PIPE = 124;
const LF = 10;
const CR = 13;

/** What ends a command: `|`, `;`, `&`, `(`, `)`, a backquote, a line's end. */
function endsCommand(c: number): boolean {
  return c === PIPE || c === 59 || c === 38 || c === 40 || c === 41 || c === 96 || c === LF || c === CR;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** The words of the command text[from, to): starts and ends (quotes left out), quoted or not. */
const words = { starts: [] as number[], ends: [] as number[], quoted: [] as number[], count: 0 };
/** Enough for `sudo -E chpasswd -c SHA512`, `echo -n -e value`, `printf -- '%s\n' a b`. */
const MAX_WORDS = 12;

function readWords(text: string, from: number, to: number): void {
  words.count = 0;
  let p = from;
  while (words.count < MAX_WORDS) {
    while (p < to && isBlank(text.charCodeAt(p))) p++;
    if (p >= to) return;
    const c = text.charCodeAt(p);
    let s = p;
    let e: number;
    let quote = 0;
    if (c === 34 || c === 39) {
      e = p + 1;
      while (e < to && text.charCodeAt(e) !== c) e++;
      // Closed: the word inside the quotes. Unclosed (`sh -c "echo pw | …`): the quote opens an
      // outer string, and the word is what follows it.
      if (e < to) {
        s = p + 1;
        quote = c;
        p = e + 1;
      } else {
        s = p + 1;
        e = s;
        while (e < to && !isBlank(text.charCodeAt(e))) e++;
        p = e;
      }
    } else {
      e = p;
      while (e < to && !isBlank(text.charCodeAt(e)) && text.charCodeAt(e) !== 34 && text.charCodeAt(e) !== 39)
        e++;
      p = e;
    }
    words.starts[words.count] = s;
    words.ends[words.count] = e;
    words.quoted[words.count++] = quote;
  }
}

/** Whether word `i` is `name`, a path before it left out (`/bin/echo`). */
function wordIs(text: string, i: number, name: string): boolean {
  const from = words.starts[i]!;
  const to = words.ends[i]!;
  const at = to - name.length;
  return at >= from && isWord(text, at, to, name) && (at === from || text.charCodeAt(at - 1) === 47);
}

/** The index of the program's word: the first, or the one after `sudo`/`doas` and their flags. */
function programWord(text: string): number {
  if (words.count === 0) return -1;
  if (!wordIs(text, 0, 'sudo') && !wordIs(text, 0, 'doas')) return 0;
  let i = 1;
  while (i < words.count && text.charCodeAt(words.starts[i]!) === 45 && words.quoted[i] === 0) i++;
  return i < words.count ? i : -1;
}

/** The index of the word that starts at `at`, or -1 (past MAX_WORDS too). */
function wordAt(at: number): number {
  for (let i = 0; i < words.count; i++) if (words.starts[i] === at) return i;
  return -1;
}

/** How a reader takes its password: whole, or after chpasswd's `user:`. */
const WHOLE = 1;
const AFTER_COLON = 2;

/**
 * Whether the command text[from, to) reads a password on its stdin, given what located it
 * (`text[at, at + length)`): WHOLE or AFTER_COLON, 0 for none. `--password-stdin` and
 * `--with-token` count after any program; `--stdin` as passwd's flag or as sudo's, before the
 * program sudo runs (`sudo git hash-object --stdin` reads no password); chpasswd and `sudo -S` as
 * the program.
 */
function readerKind(text: string, from: number, to: number, at: number, length: number): number {
  readWords(text, from, to);
  const program = programWord(text);
  if (program === -1) return 0;
  const c = text.charCodeAt(at);
  if (c === 99 /* chpasswd */)
    return wordIs(text, program, 'chpasswd') && words.ends[program] === at + length ? AFTER_COLON : 0;
  const k = wordAt(at);
  // `sudo -S` (located case-sensitively: `-s` runs a shell) as the command's first words.
  if (c === 115) return k === 0 ? WHOLE : 0;
  if (length === 7 /* --stdin */) {
    if (k === -1) return 0;
    if (k < program) return WHOLE;
    return wordIs(text, program, 'passwd') ? WHOLE : 0;
  }
  return k === -1 || k > program ? WHOLE : 0;
}

/** Whether the word text[from, to) (quoted by `quote`, 0 for none) is a shell expansion: `$PW`, `${PW}`, `$(cat f)`. */
function isExpansion(text: string, from: number, quote: number): boolean {
  if (quote === 39 || text.charCodeAt(from) !== 36) return false;
  const next = text.charCodeAt(from + 1);
  return isLetter(next) || next === 95 || next === 123 || next === 40;
}

/**
 * The password that `echo` or `printf` writes in the command text[from, to): [start, end), or
 * undefined. echo's flags (`-n`, `-e`) are skipped and its words from the first on taken; printf's
 * arguments after the format, or the format itself when there are none and it has no `%`.
 */
function written(text: string, from: number, to: number): [number, number, number] | undefined {
  readWords(text, from, to);
  if (words.count < 2) return undefined;
  let i = 1;
  if (wordIs(text, 0, 'echo')) {
    while (i < words.count && words.quoted[i] === 0 && isEchoFlag(text, words.starts[i]!, words.ends[i]!))
      i++;
  } else if (wordIs(text, 0, 'printf')) {
    if (isWord(text, words.starts[i]!, words.ends[i]!, '--')) i++;
    if (i + 1 < words.count) i++;
    else if (i < words.count && text.slice(words.starts[i]!, words.ends[i]!).includes('%')) return undefined;
  } else return undefined;
  if (i >= words.count || isExpansion(text, words.starts[i]!, words.quoted[i]!)) return undefined;
  return [words.starts[i]!, words.ends[words.count - 1]!, words.quoted[i]!];
}

/**
 * Whether the command text[from, to) may be `echo` or `printf`: it starts with `e`, `p`, a path's
 * `/`, or a quote that opens `sh -c "…"`. Most commands before a pipe are neither (`aws … |
 * docker login`, a chain of readers), and their words are then not read.
 */
function mayWrite(text: string, from: number, to: number): boolean {
  let p = from;
  while (p < to && isBlank(text.charCodeAt(p))) p++;
  const c = text.charCodeAt(p) | 32;
  return p < to && (c === 101 || c === 112 || c === 47 || c === 34 || c === 39);
}

/** `-n`, `-e`, `-E` and their clusters (`-ne`). */
function isEchoFlag(text: string, from: number, to: number): boolean {
  if (to - from < 2 || text.charCodeAt(from) !== 45) return false;
  for (let i = from + 1; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 110 && c !== 101 && c !== 69) return false;
  }
  return true;
}

/** Where a command that starts at or after `floor` and ends at `at` starts: after the last command end. */
function commandStart(text: string, at: number, floor: number): number {
  let p = at;
  while (p > floor && !endsCommand(text.charCodeAt(p - 1))) p--;
  return p;
}

/** Where the command that holds `from` ends: at the next command end, or the text's end. */
function commandEnd(text: string, from: number): number {
  let p = from;
  while (p < text.length && !endsCommand(text.charCodeAt(p))) p++;
  return p;
}

export function createStdinPasswordScrubber(replacement: string): StdinPasswordScrubber {
  return (text, budget = secretBudget()) => {
    // Every reader takes its password from a pipe or a here-string.
    if (text.indexOf('|') === -1 && text.indexOf('<<<') === -1) return text;
    let out = '';
    let copied = 0;
    let floor = 0;
    // Where the next `<<<` is, at or after the last reader (-1: none left).
    let here = text.indexOf('<<<');
    for (let k = 0; k < nextAt.length; k++) nextAt[k] = -2;

    /** Hides text[from, to) (after its first `:` when `afterColon`); false once the budget is spent. */
    function hide(from: number, to: number, afterColon: boolean, quote: number): boolean {
      let start = from;
      if (afterColon) {
        while (start < to && text.charCodeAt(start) !== 58) start++;
        if (start >= to) return true;
        start++;
        if (isExpansion(text, start, quote)) return true;
      }
      if (start >= to || start < copied || isScrubbed(text, start, to, replacement)) return true;
      out += text.slice(copied, start) + replacement;
      copied = to;
      return takeSecret(budget);
    }

    for (let at = nextReader(text, 0); at !== -1; at = nextReader(text, Math.max(needleAt + 1, floor))) {
      const length = readerLength;
      // A whole word: `--stdin` is not the end of `--password-stdin` (located as itself).
      if (at > 0 && (isAlnum(text.charCodeAt(at - 1)) || text.charCodeAt(at - 1) === 45)) continue;
      if (isAlnum(text.charCodeAt(at + length)) || text.charCodeAt(at + length) === 45) continue;
      const start = commandStart(text, at, floor);
      const end = commandEnd(text, at + length);
      floor = end;
      // What could feed it first, cheaply: `echo`/`printf` before a pipe (a single `|`, not `||`;
      // `|&` is none), or `<<<` in its command. A chain of readers (`… | docker login
      // --password-stdin | …`) has neither, and its words are then not read.
      const pipe = start - 1;
      const left =
        pipe > 0 && text.charCodeAt(pipe) === PIPE && text.charCodeAt(pipe - 1) !== PIPE
          ? commandStart(text, pipe, 0)
          : -1;
      const piped = left !== -1 && left >= copied && mayWrite(text, left, pipe);
      // The next `<<<` searched for again only once passed (searching from every reader to the
      // text's end made 256 KB of readers quadratic).
      if (here !== -1 && here < at + length) here = text.indexOf('<<<', at + length);
      const hereString = here !== -1 && here < end;
      if (!piped && !hereString) continue;
      const kind = readerKind(text, start, end, at, length);
      if (kind === 0) continue;
      const afterColon = kind === AFTER_COLON;
      if (piped) {
        const value = written(text, left, pipe);
        if (value !== undefined && !hide(value[0], value[1], afterColon, value[2])) return out;
      }
      if (hereString) {
        readWords(text, here + 3, end);
        if (words.count > 0 && !isExpansion(text, words.starts[0]!, words.quoted[0]!)) {
          if (!hide(words.starts[0]!, words.ends[0]!, afterColon, words.quoted[0]!)) return out;
        }
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
