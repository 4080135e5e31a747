import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isLetter, isScrubbed, isWord } from './chars.js';
import { readWords, wordAt, wordIs, words } from './command-words.js';
import { command, commandEndAfter, locateCommand } from './shell-commands.js';
import { AFTER_COLON, MAX_PASSWD_PREFIX, PROGRAM_NEEDLES, programReads, WHOLE } from './stdin-readers.js';
import { programAfterOptions, sudo } from './sudo-options.js';

/**
 * Passwords given to a command on its standard input, in free text (a logged shell command, `sh -c
 * "…"` in an argument list): no flag or `=` names them, the command that reads them does.
 * - `echo 's3cret' | docker login -u bob --password-stdin r.io` (any command's `--password-stdin`:
 *   podman, helm registry, oras, skopeo…; gh's `--with-token`), `echo pw | passwd --stdin bob`,
 *   `echo pw | sudo -S cmd` (`-S` or `--stdin` among sudo's options, sudo-options.ts): what `echo`
 *   or `printf` writes into the pipe is hidden, also after a prompt or a label (`+ echo pw | …`,
 *   bash's trace; `Running: echo pw | …`);
 * - `echo 'bob:s3cret' | chpasswd`: the part after the user's `:`;
 * - the same readers' here-string, `docker login --password-stdin <<< s3cret`, `chpasswd <<< 'bob:pw'`.
 * What only says where the password comes from is kept: another command's output (`cat pw.txt |`,
 * `aws ecr get-login-password |`), a file (`< pw.txt`), a shell expansion (`"$PW"`, `$(cat f)`).
 *
 * Commands are split where a shell splits them, quotes read (shell-commands.ts): `echo 'a|b;c' |
 * docker login --password-stdin` hides `a|b;c`, and `sh -c "echo pw | …"` is read inside its quotes.
 * What a group writes is piped too (`(echo pw; echo pw) | passwd`, `{ echo pw; } | passwd`), and a
 * writer whose quote does not close hides its words up to the reader's pipe (hideWritten).
 *
 * Linear: the readers are located by needles searched with indexOf; each command is read once,
 * from the last one read's end (shell-commands.ts), its words once, and each needle inside it costs
 * a look at those words.
 */
export type StdinPasswordScrubber = (text: string, budget?: SecretBudget) => string;

/**
 * What locates a reader (`--password-stdin`, `--with-token`, `--stdin`, `chpasswd`, `sudo`), by
 * needles searched with indexOf, each again only once passed: one regex of the five cost 0.45-0.7
 * ms for 256 KB of prose with a `|` in it, these ~0.05 (a needle that starts with a letter common
 * in prose, `stdin`, `sudo`, cost more). `sudo` (not `-S`, until 2026-12-07): its `-S` may come
 * after other options or in a cluster (`sudo -u bob -S`, `sudo -kS`). Module state: a pass never
 * runs inside another.
 */
const NEEDLES = ['-stdin', '-with-token', 'sudo', ...PROGRAM_NEEDLES];
const SUDO = 2;
const nextAt = NEEDLES.map(() => -2);
/** The reader nextReader found: where its needle is, which one, and its length from where it returns. */
let needleAt = 0;
let readerWhich = 0;
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
    readerWhich = which;
    from = best + 1;
    if (which >= SUDO) {
      // `chpasswd`, `smbpasswd`…: the letters before `passwd`.
      let start = best;
      if (which === SUDO + 1)
        while (start > 0 && best - start < MAX_PASSWD_PREFIX && isLetter(text.charCodeAt(start - 1))) start--;
      readerLength = best + NEEDLES[which]!.length - start;
      return start;
    }
    if (which === 0 && best >= 10 && text.startsWith('--password', best - 10)) {
      readerLength = 16;
      return best - 10;
    }
    if (best > 0 && text.charCodeAt(best - 1) === 45) {
      readerLength = which === 0 ? 7 : 12;
      return best - 1;
    }
  }
}

const PIPE = 124;

/** Where what may write into the pipe of the command located last starts: its group, its pipeline's unclosed quote's command, or the command left of the pipe. */
function writersFrom(): number {
  if (command.group !== -1) return command.group + 1;
  return command.unclosed !== -1 ? command.unclosed : command.left;
}

/** The index of the program's word: the first, or the one after `sudo`/`doas` and their options. */
function programWord(text: string): number {
  sudo.stdin = false;
  if (words.count === 0) return -1;
  if (!wordIs(text, 0, 'sudo') && !wordIs(text, 0, 'doas')) return 0;
  return programAfterOptions(text);
}

/**
 * Whether the command whose words were read reads a password on its stdin, given what located it
 * (`text[at, at + length)`, needle `which`): WHOLE or AFTER_COLON, 0 for none. `--password-stdin`
 * and `--with-token` count after any program; `--stdin` as passwd's flag or as sudo's, before the
 * program sudo runs (`sudo git hash-object --stdin` reads no password); `sudo` as the first word
 * with `-S` or `--stdin` among its options, or a program after it that reads one (stdin-readers.ts);
 * such a program as the first word.
 */
function readerKind(text: string, at: number, length: number, which: number): number {
  const program = programWord(text);
  if (words.count === 0) return 0;
  if (which === SUDO) {
    if (!wordIs(text, 0, 'sudo') || words.ends[0] !== at + length) return 0;
    return sudo.stdin ? WHOLE : program === -1 ? 0 : programReads(text, program);
  }
  if (which > SUDO) return program === 0 && words.ends[0] === at + length ? programReads(text, 0) : 0;
  const k = wordAt(at);
  if (length === 7 /* --stdin */) {
    if (k === -1) return 0;
    if (program === -1 || k < program) return sudo.stdin ? WHOLE : 0;
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
 * The password that `echo`, `printf` or `yes` writes in the command text[from, to): [start, end,
 * quote], or undefined. The writer is the first word that is one of them (after a prompt or a label:
 * `+ echo pw`, `Running: echo pw`, `xargs echo pw`). echo's flags (`-n`, `-e`) are skipped and its
 * words from the first on taken; printf's arguments after the format, or the format itself when
 * there are none and it has no `%`.
 */
function written(text: string, from: number, to: number): [number, number, number] | undefined {
  readWords(text, from, to);
  let w = 0;
  while (w < words.count && !wordIs(text, w, 'echo') && !wordIs(text, w, 'printf') && !wordIs(text, w, 'yes'))
    w++;
  if (w + 1 >= words.count) return undefined;
  let i = w + 1;
  // `yes pw | passwd bob` writes its words, line after line; echo and printf as follows.
  if (wordIs(text, w, 'echo')) {
    while (i < words.count && words.quoted[i] === 0 && isEchoFlag(text, words.starts[i]!, words.ends[i]!))
      i++;
  } else if (wordIs(text, w, 'printf')) {
    if (isWord(text, words.starts[i]!, words.ends[i]!, '--')) i++;
    if (i + 1 < words.count) i++;
    else if (i < words.count && text.slice(words.starts[i]!, words.ends[i]!).includes('%')) return undefined;
  }
  if (i >= words.count || isExpansion(text, words.starts[i]!, words.quoted[i]!)) return undefined;
  return [words.starts[i]!, words.ends[words.count - 1]!, words.quoted[i]!];
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

/**
 * Where the next `echo` and `printf` are, at or after the last command looked at (-2: not searched
 * yet, -1: none left): most commands before a pipe are neither (`aws … | docker login`, a chain of
 * readers), and their words are then not read.
 */
const WRITERS = ['echo', 'printf', 'yes'];
const nextWriter = [-2, -2, -2];

/** Whether `echo` or `printf` is in text[from, to). */
function mayWrite(text: string, from: number, to: number): boolean {
  for (let k = 0; k < WRITERS.length; k++) {
    let at = nextWriter[k]!;
    if (at !== -1 && at < from) {
      at = text.indexOf(WRITERS[k]!, from);
      nextWriter[k] = at;
    }
    if (at !== -1 && at < to) return true;
  }
  return false;
}

/** The longest path before `sudo` looked back over (`/usr/local/bin/sudo`). */
const MAX_PATH = 32;

/** What a path before `sudo` is read back over: no blank, no line's end, no `|`. */
function isPathChar(c: number): boolean {
  return c > 32 && c !== PIPE;
}

/**
 * [runFrom, runTo): characters startsCommand read back over last, none of which ends a path, -1
 * before the first (reset for each text). A `sudo` within or right after it is not read back over
 * again: 256 KB of `/sudo` read each `sudo`'s MAX_PATH characters before it. Module state: a pass
 * never runs inside another.
 */
let runFrom = -1;
let runTo = -1;
/** [pathFrom, pathTo): path characters, and none at pathTo (-1 before the first; reset for each text). */
let pathFrom = -1;
let pathTo = -1;
/** A run of isPathChar's characters: `!` to `{`, `}` and on (all but blanks, controls and `|`). */
const PATH_RUN = /[!-{}-\uffff]*/y;

/**
 * Whether the word at `at` may start a command: after blanks (and a path), at the text's start or
 * after a command's end or a quote. `sudo` in prose (`pseudo`, `run sudo to…`) is then not a reason
 * to read its sentence as a command (that doubled the cost of 256 KB of prose that named it often).
 */
function startsCommand(text: string, at: number): boolean {
  let p = at;
  if (text.charCodeAt(p - 1) === 47 /* / */) {
    const floor = Math.max(0, at - MAX_PATH);
    // Within the run read back last time, only what follows it is read: [floor, at) is a path's.
    if (runFrom !== -1 && runFrom <= floor && runTo >= floor && runTo <= at) {
      if (runTo < at) {
        // Where the run of path characters that holds runTo ends, read once by the regex engine:
        // 256 KB of `/sudo` read a character at a time took 0.5 ms, 0.1 this way.
        if (runTo < pathFrom || runTo > pathTo) {
          PATH_RUN.lastIndex = pathFrom = runTo;
          PATH_RUN.test(text);
          pathTo = PATH_RUN.lastIndex;
        }
        runTo = Math.min(at, pathTo);
      }
      if (runTo === at) p = floor;
    }
    if (p !== floor) {
      while (p > floor && isPathChar(text.charCodeAt(p - 1))) p--;
      if (p === floor) {
        runFrom = floor;
        runTo = at;
      }
    }
  }
  while (p > 0 && (text.charCodeAt(p - 1) === 32 || text.charCodeAt(p - 1) === 9)) p--;
  if (p === 0) return true;
  const c = text.charCodeAt(p - 1);
  return (
    c === PIPE || c === 59 || c === 38 || c === 40 || c === 96 || c === 10 || c === 13 || c === 34 || c === 39
  );
}

export function createStdinPasswordScrubber(replacement: string): StdinPasswordScrubber {
  return (text, budget = secretBudget()) => {
    // Every reader takes its password from a pipe or a here-string.
    if (text.indexOf('|') === -1 && text.indexOf('<<<') === -1) return text;
    let out = '';
    let copied = 0;
    // Where the next command is read from: the end of the last one read, whose needles reuse it.
    let floor = 0;
    let commandEnd = -1;
    let piped = false;
    // Whether `words` holds the words of that command.
    let wordsRead = false;
    // Where the next `<<<` is, at or after the last reader (-1: none left).
    let here = text.indexOf('<<<');
    for (let k = 0; k < nextAt.length; k++) nextAt[k] = -2;
    nextWriter.fill(-2);
    runFrom = runTo = pathFrom = pathTo = -1;

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

    /**
     * Hides what is written into the pipe at `pipe`: by the command left of it, by each command of
     * the group it closes (`(echo pw; echo pw) | passwd`), or, when the left one writes nothing, by
     * the command of the pipeline whose quote does not close, to the pipe (shell-commands.ts).
     */
    function hideWritten(left: number, pipe: number, afterColon: boolean): boolean {
      if (command.group !== -1) {
        const to = command.groupEnd;
        for (let a = command.group + 1; a < to; ) {
          const b = commandEndAfter(text, a, to);
          const value = written(text, a, b);
          if (value !== undefined && !hide(value[0], value[1], afterColon, value[2])) return false;
          a = b + 1;
        }
        return true;
      }
      const value = written(text, left, pipe);
      if (value !== undefined) return hide(value[0], value[1], afterColon, value[2]);
      if (command.unclosed === -1) return true;
      // The unclosed quote's command: its writer's words, to the pipe (blanks before it kept).
      const unclosed = written(text, command.unclosed, pipe);
      let end = pipe;
      while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
      return unclosed === undefined || hide(unclosed[0], end, afterColon, unclosed[2]);
    }

    for (let at = nextReader(text, 0); at !== -1; at = nextReader(text, needleAt + 1)) {
      const length = readerLength;
      const which = readerWhich;
      // A whole word: `--stdin` is not the end of `--password-stdin` (located as itself).
      if (at > 0 && (isAlnum(text.charCodeAt(at - 1)) || text.charCodeAt(at - 1) === 45)) continue;
      if (isAlnum(text.charCodeAt(at + length)) || text.charCodeAt(at + length) === 45) continue;
      if (which >= SUDO && !startsCommand(text, at)) continue;
      if (at >= commandEnd) {
        locateCommand(text, floor, at, at + length);
        floor = commandEnd = command.end;
        // What could feed it first, cheaply: `echo`/`printf` before a pipe (a single `|`, not `||`;
        // bash's `|&` is one too, as it pipes stdout), or `<<<` in its command. A chain of readers (`… | docker login
        // --password-stdin | …`) has neither, and its words are then not read.
        const pipe = command.sep;
        const writers = writersFrom();
        piped =
          pipe > 0 &&
          text.charCodeAt(pipe) === PIPE &&
          text.charCodeAt(pipe - 1) !== PIPE &&
          writers >= copied &&
          mayWrite(text, writers, pipe);
        wordsRead = false;
      }
      // The next `<<<` searched for again only once passed (searching from every reader to the
      // text's end made 256 KB of readers quadratic).
      if (here !== -1 && here < at + length) here = text.indexOf('<<<', at + length);
      const hereString = here !== -1 && here < commandEnd;
      if (!piped && !hereString) continue;
      if (!wordsRead) readWords(text, command.start, commandEnd);
      wordsRead = true;
      const kind = readerKind(text, at, length, which);
      if (kind === 0) continue;
      // The command's words are read no more (written reads the left one's): its other needles skipped.
      const afterColon = kind === AFTER_COLON;
      const left = command.left;
      const pipe = command.sep;
      const end = commandEnd;
      commandEnd = -1;
      needleAt = Math.max(needleAt, end - 1);
      if (piped && !hideWritten(left, pipe, afterColon)) return out;
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
