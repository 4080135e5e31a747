import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isOneOf, isScrubbed, isWord } from './chars.js';

/**
 * Passwords that well-known commands take as a plain positional argument, with no flag or `=` that
 * names them, in free text (a logged command, a child process's error) and in an argument list
 * (args.ts):
 * - `htpasswd -b[c…] file user password`, `htpasswd -nb user password` (batch mode only: without
 *   `-b` it prompts);
 * - `rabbitmqctl add_user user password` (`change_password`, `authenticate_user`);
 * - `lftp -u user,password host`: the part after the comma;
 * - `mysqladmin … password NEW` (and `old-password`): the word after the command;
 * - `smbclient //host/share password -U bob`: the word after the service;
 * - `net use [Z:] \\host\share password /user:bob`: a word after the share that is not an option
 *   (`/user:…`) or `*` (which prompts); `net user bob password /add`;
 * - `vault login s.XXXX` (HashiCorp Vault's token, its legacy form no token pattern knows): the first
 *   word after `login` that is no flag and no `name=value` (`password=…` is inline.ts's).
 * The user, the file and the host are kept. Only the words of the command itself count: they end at
 * the line's end, at `;`, `|` or `&`, and at the next of these tools' names.
 *
 * One pass: the tools' names are located by one regex of literals, at most MAX_WORDS words are read
 * after each, and the search goes on after them, so no character is read more than a few times.
 */
export type PositionalPasswordScrubber = (text: string, budget?: SecretBudget) => string;

/** The tools, by the name their program has (a path and `.exe` left out). */
const HTPASSWD = 1;
const RABBITMQCTL = 2;
const LFTP = 3;
const MYSQLADMIN = 4;
const SMBCLIENT = 5;
const NET = 6;
const VAULT = 7;
const TOOLS = ['', 'htpasswd', 'rabbitmqctl', 'lftp', 'mysqladmin', 'smbclient', 'net', 'vault'];
const SHORTEST_TOOL = Math.min(...TOOLS.slice(1).map((t) => t.length));
const LONGEST_TOOL = Math.max(...TOOLS.slice(1).map((t) => t.length));
/** No command above needs more words than this before its password. */
export const MAX_WORDS = 16;
/** rabbitmqctl's subcommands whose second argument is a password. */
const RABBIT_COMMANDS = ['add_user', 'change_password', 'authenticate_user'];
/** rabbitmqctl's flags that take a value (`-n rabbit@h`), before the subcommand. */
const RABBIT_VALUE_FLAGS = ['-n', '--node', '-t', '--timeout'];
/** lftp's flag before `user,password`. */
const LFTP_USER = ['-u'];
/** `net`'s commands with a password among their words. */
const NET_COMMANDS = ['use', 'user'];
/** mysqladmin's commands whose next word is the new password. */
const MYSQLADMIN_COMMANDS = ['password', 'old-password'];

/** The tool an argument names (`/usr/bin/htpasswd`, `NET.EXE`), 0 for none. */
export function positionalToolOf(arg: string): number {
  return toolIn(arg, 0, arg.length);
}

/** The tool `text[from, to)` names (a path and `.exe` left out), 0 for none; compared in place. */
function toolIn(text: string, from: number, to: number): number {
  let start = to;
  while (start > from && text.charCodeAt(start - 1) !== 47 && text.charCodeAt(start - 1) !== 92) start--;
  let end = to;
  if (end - start > 4 && isWord(text, end - 4, end, '.exe')) end -= 4;
  const length = end - start;
  // Most words are no tool's length: no name is compared.
  if (length < SHORTEST_TOOL || length > LONGEST_TOOL) return 0;
  for (let t = 1; t < TOOLS.length; t++)
    if (TOOLS[t]!.length === length && isWord(text, start, end, TOOLS[t]!)) return t;
  return 0;
}

/** Where, in the words after `tool`, its password is: [word index, offset in the word], or undefined. */
export function positionalPassword(tool: number, words: readonly string[]): [number, number] | undefined {
  switch (tool) {
    case HTPASSWD:
      return htpasswd(words);
    case RABBITMQCTL:
      return rabbitmqctl(words);
    case LFTP: {
      const u = words.indexOf('-u');
      const comma = u === -1 || u + 1 >= words.length ? -1 : words[u + 1]!.indexOf(',');
      return comma === -1 ? undefined : [u + 1, comma + 1];
    }
    case MYSQLADMIN:
      for (let i = 0; i + 1 < words.length; i++)
        if (isOneOf(words[i]!, 0, words[i]!.length, MYSQLADMIN_COMMANDS)) return [i + 1, 0];
      return undefined;
    case SMBCLIENT: {
      const service = words.findIndex((w) => w.startsWith('//') || w.startsWith('\\\\'));
      const next = service === -1 ? undefined : words[service + 1];
      return next === undefined || next.startsWith('-') ? undefined : [service + 1, 0];
    }
    case NET:
      return net(words);
    case VAULT: {
      if (words[0] !== 'login') return undefined;
      const token = words.findIndex((w, i) => i > 0 && !w.startsWith('-') && !w.includes('='));
      return token === -1 ? undefined : [token, 0];
    }
    default:
      return undefined;
  }
}

/** `-b` among the flags: `file user password`, or with `-n` `user password`. `-C` and `-r` take a value. */
function htpasswd(words: readonly string[]): [number, number] | undefined {
  let batch = false;
  let noFile = false;
  let i = 0;
  for (; i < words.length && words[i]!.length > 1 && words[i]!.startsWith('-'); i++) {
    const flags = words[i]!;
    batch ||= flags.includes('b');
    noFile ||= flags.includes('n');
    if (flags.endsWith('C') || flags.endsWith('r')) i++;
  }
  const at = i + (noFile ? 1 : 2);
  return batch && at < words.length ? [at, 0] : undefined;
}

/** The subcommand (after flags and their values), then its user, then the password. */
function rabbitmqctl(words: readonly string[]): [number, number] | undefined {
  let i = 0;
  while (i < words.length && words[i]!.startsWith('-')) i += RABBIT_VALUE_FLAGS.includes(words[i]!) ? 2 : 1;
  if (i >= words.length || !RABBIT_COMMANDS.includes(words[i]!)) return undefined;
  let positional = 0;
  for (let k = i + 1; k < words.length; k++) {
    if (words[k]!.startsWith('-')) continue;
    if (++positional === 2) return [k, 0];
  }
  return undefined;
}

/**
 * `net use`: a word after the `\\host\share` that is no option (`/user:…`) and not `*`;
 * `net user name password`: the second word that is neither.
 */
function net(words: readonly string[]): [number, number] | undefined {
  const command = words[0]?.toLowerCase();
  if (command === undefined || !NET_COMMANDS.includes(command)) return undefined;
  let share = false;
  let positional = 0;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith('/') || word === '*') continue;
    if (command === 'use') {
      if (word.startsWith('\\\\')) share = true;
      else if (share) return [i, 0];
    } else if (++positional === 2) return [i, 0];
  }
  return undefined;
}

const LF = 10;
const CR = 13;

/** What ends an unquoted word: a blank, a line's end, a quote, or `;`, `|`, `&` (the command too). */
function endsWord(c: number): boolean {
  return c === 32 || c === 9 || c === LF || c === CR || c === 34 || c === 39 || endsCommand(c);
}

function endsCommand(c: number): boolean {
  return c === 59 || c === 124 || c === 38;
}

/** Whether a tool's name at `at` is a word of its own: after a blank, a quote, `(;|&`, a path's `/` or `\`, or `=`. */
function startsAWord(text: string, at: number): boolean {
  if (at === 0) return true;
  const c = text.charCodeAt(at - 1);
  return !isAlnum(c) && c !== 45 && c !== 95 && c !== 46;
}

/**
 * The words after a tool that ends at `from`, up to the command's end, the next tool, or MAX_WORDS:
 * where each starts and ends (quotes left out), `count` of them, and `end`, where reading stopped.
 * Written in place, not cleared (setting an array's length was a tenth of this pass's time).
 */
const read = { starts: [] as number[], ends: [] as number[], count: 0, end: 0, toolEnd: -1, tool: 0 };

function readWords(text: string, from: number): void {
  const n = text.length;
  read.count = 0;
  read.toolEnd = -1;
  let p = from;
  while (read.count < MAX_WORDS) {
    while (p < n && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
    if (p >= n) break;
    const c = text.charCodeAt(p);
    if (c === LF || c === CR || endsCommand(c)) break;
    let s = p;
    let e: number;
    if (c === 34 || c === 39) {
      e = p + 1;
      while (e < n && text.charCodeAt(e) !== c && text.charCodeAt(e) !== LF) e++;
      // An unclosed quote (`"net use … pw` quoting the command): the word after it, unquoted.
      if (e >= n || text.charCodeAt(e) !== c) {
        s = p + 1;
        e = s;
        while (e < n && !endsWord(text.charCodeAt(e))) e++;
        p = e;
      } else {
        s = p + 1;
        p = e + 1;
      }
    } else {
      e = p;
      while (e < n && !endsWord(text.charCodeAt(e))) e++;
      // A closing quote right after the word ends the command quoted around it.
      p = e;
    }
    const tool = toolIn(text, s, e);
    if (tool !== 0) {
      read.end = s;
      read.toolEnd = e;
      read.tool = tool;
      return;
    }
    read.starts[read.count] = s;
    read.ends[read.count++] = e;
    if (p < n && (text.charCodeAt(p) === 34 || text.charCodeAt(p) === 39) && c !== 34 && c !== 39) break;
  }
  read.end = p;
}

/**
 * Whether the first word after a tool (from `from`) can start a command with a password, by the
 * rules of positionalPassword: `vault login`, `net use`/`net user`, `htpasswd -b…`; any word for the
 * others, or a quoted one. Most mentions of a tool (`net income`, `vault status`) end here, before
 * their words are read (256 KB of `vault loginx -a ` took 10 ms).
 */
function mayHavePassword(tool: number, text: string, from: number): boolean {
  let p = from;
  while (p < text.length && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  const c = text.charCodeAt(p);
  if (c === 34 || c === 39) return true;
  if (tool === HTPASSWD) return c === 45;
  if (tool !== VAULT && tool !== NET) return true;
  let e = p;
  while (e < text.length && !endsWord(text.charCodeAt(e))) e++;
  return tool === VAULT ? isWord(text, p, e, 'login') : isOneOf(text, p, e, NET_COMMANDS);
}

/**
 * Whether the words readWords found hold what positionalPassword looks for before anything else:
 * one of rabbitmqctl's subcommands, lftp's `-u`, one of mysqladmin's commands, smbclient's
 * service, enough words for htpasswd's and net's; compared in place, so a tool's words are made strings only when they may hold one.
 */
function wordsMayHold(tool: number, text: string): boolean {
  // htpasswd's flags, file (unless `-n`), user and password; net's command and two more words (a
  // share and a password, or a user and a password): 256 KB of `net use ` made a list of strings
  // per `net` (4.5 ms).
  if ((tool === HTPASSWD || tool === NET) && read.count < 3) return false;
  const words =
    tool === RABBITMQCTL
      ? RABBIT_COMMANDS
      : tool === LFTP
        ? LFTP_USER
        : tool === MYSQLADMIN
          ? MYSQLADMIN_COMMANDS
          : undefined;
  for (let i = 0; i < read.count; i++) {
    const from = read.starts[i]!;
    if (
      words !== undefined
        ? isOneOf(text, from, read.ends[i]!, words)
        : tool !== SMBCLIENT || text.startsWith('//', from) || text.startsWith('\\\\', from)
    )
      return true;
  }
  return false;
}

/** The words readWords found, as strings (only for a tool with words after it). */
function wordsRead(text: string): string[] {
  const words: string[] = [];
  for (let i = 0; i < read.count; i++) words.push(text.slice(read.starts[i], read.ends[i]));
  return words;
}

/**
 * A tool's name as a command (`.exe` after it too), then a blank: one case-insensitive scan
 * (`NET USE`). Twelve indexOf searches (each name in two cases) made plain text 30% slower to scrub.
 * Linear: literals, then one character.
 */
const LOCATOR = new RegExp(`(?:${TOOLS.slice(1).join('|')})(?:\\.exe)?[ \\t]`, 'gi');

export function createPositionalPasswordScrubber(replacement: string): PositionalPasswordScrubber {
  return (text, budget = secretBudget()) => {
    let out = '';
    let copied = 0;
    LOCATOR.lastIndex = 0;
    // The next tool's name, when the words of the last one ended at it (`htpasswd htpasswd …`): no
    // search for it. Else test(), not exec(): no match allocated; where the name starts is read back.
    let next = -1;
    for (;;) {
      let after: number;
      let tool: number;
      // A word readWords found to be a tool starts a word, and is the tool it said (a name's start
      // was read back again for each: 256 KB of `rabbitmqctl -n a `, 3.1 ms).
      if (next !== -1 && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 9)) {
        after = next + 1;
        tool = read.tool;
      } else if (LOCATOR.test(text)) {
        after = LOCATOR.lastIndex;
        const at = nameStart(text, after - 1);
        if (at === -1 || !startsAWord(text, at)) continue;
        tool = named;
      } else break;
      next = -1;
      if (!mayHavePassword(tool, text, after)) continue;
      // The words are read once: the search goes on after them.
      readWords(text, after);
      LOCATOR.lastIndex = Math.max(after, read.end);
      next = read.toolEnd;
      if (read.count === 0 || !wordsMayHold(tool, text)) continue;
      const found = positionalPassword(tool, wordsRead(text));
      if (found === undefined) continue;
      const from = read.starts[found[0]]! + found[1];
      const to = read.ends[found[0]]!;
      if (to > from && from >= copied && !isScrubbed(text, from, to, replacement)) {
        out += text.slice(copied, from) + replacement;
        // Past the budget (budget.ts), this password runs to the end of the text.
        if (!takeSecret(budget)) return out;
        copied = to;
      }
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}

/** The tool nameStart found last. */
let named = 0;

/**
 * Where the tool's name LOCATOR matched before the blank at `blank` starts (`.exe` after it too),
 * or -1: the name is one of TOOLS, read back in place (which one in `named`).
 */
function nameStart(text: string, blank: number): number {
  const exe = blank >= 4 && isWord(text, blank - 4, blank, '.exe') ? toolEndingAt(text, blank - 4) : -1;
  return exe !== -1 ? exe : toolEndingAt(text, blank);
}

/** Where one of TOOLS that ends at `end` starts (which one in `named`), or -1. */
function toolEndingAt(text: string, end: number): number {
  for (let t = 1; t < TOOLS.length; t++) {
    const from = end - TOOLS[t]!.length;
    if (from >= 0 && isWord(text, from, end, TOOLS[t]!)) {
      named = t;
      return from;
    }
  }
  return -1;
}
