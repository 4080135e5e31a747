import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import {
  isAlnum,
  isSpaceOrTab as isBlank,
  isDigit,
  isLetter,
  isOneOf,
  isScrubbed,
  isWord,
  nextOf,
} from './chars.js';

/**
 * Oracle's logins, `user/password@target`, in free text: a command line (`sqlplus
 * scott/tiger@orcl`, `expdp system/manager@pdb1 …`, `rman target sys/pw@cdb`), an SQL*Plus script
 * or log (`CONNECT scott/tiger@orcl`), a loader's `userid=scott/tiger@orcl`, a JDBC thin or OCI
 * URL (`jdbc:oracle:thin:scott/tiger@host:1521:ORCL`) and an EZConnect address in an error
 * (`scott/tiger@db.example:1521/ORCL`). userinfo.ts looks for a `:` before the password, url.ts
 * for `//` before the user: these went out whole. The password is replaced; the user and the
 * target are kept.
 *
 * `a/b@c` is a path or a package spec far more often than a login (`src/foo@1.2.3`,
 * `@scope/pkg@1.0.0`, `/users/bob@example.com/`, `ghcr.io/org/img@sha256:…`, a URL's path), so it
 * is read as one only after what names a login:
 * - after `sqlplus`, `sqlldr`, `expdp`, `impdp` (a path, relative too, or `.exe` before the name,
 *   and flags between, as `sqlplus -S`, with the values of sqlplus's `-M "HTML ON"`, `-R 3` and
 *   `-C 19.0`), after `userid=`, after `jdbc:oracle:thin:` (`oci:`, `oci8:`), and
 *   after rman's `target`, `auxiliary` and `catalog` when `rman`, `connect` or another login comes
 *   before them: with or without `@target` (`sqlplus system/oracle` logs on locally);
 * - after `exp`, `imp`, `connect`, `conn` (words of prose too): only with `@` and a target, or for
 *   `connect`/`conn` at a line's start (SQL*Plus's `SQL> connect scott/tiger`) when the login ends
 *   the line or `as sysdba` follows; rman's words after anything else are prose (`deploy target
 *   org/app@v2`);
 * - anywhere else, only as a whole EZConnect address: `@` then `//`, or a host, a port and a
 *   service (`@db.example:1521/ORCL`).
 * The user is an Oracle name (a letter first, then letters, digits, `_$#`, a proxy user's `[]`, or
 * any name in double quotes, `"Scott"/tiger`) that starts a word; the password runs from the `/` to the word's last `@` and holds no `/`, or is
 * quoted (`scott/"my pw"@orcl`). A bare `/` is no user (`sqlplus / as sysdba`, `/nolog`).
 *
 * One pass: each `/` found with indexOf; the user is read back within its word, the words before it
 * (a bounded number of bounded length) only when the login's shape is there, and the search goes on
 * after the login's word, so no character is read more than a few times.
 */
export type OracleLoginScrubber = (text: string, budget?: SecretBudget) => string;

const SLASH = 47;
const BACKSLASH = 92;
const AT = 64;
const DQUOTE = 34;
const COLON = 58;
const EQUALS = 61;
const DASH = 45;
const LF = 10;
const CR = 13;
/** Oracle names are at most 128 bytes: a longer run is no user. */
const MAX_USER = 128;
/** Words looked past between a tool and its login: flags and their values (`sqlplus -S -M "HTML ON" …`). */
const MAX_FLAG_WORDS = 8;
/** The longest word read back: a flag, or a tool with its path (`/u01/app/oracle/…/bin/sqlplus`). */
const MAX_WORD = 128;
/** Blanks looked past between two words. */
const MAX_BLANKS = 16;

/** What the words before a login say of it. */
const NONE = 0;
/** A login only with `@` and a target (`exp`, `imp`, `connect` in a line). */
const WITH_TARGET = 1;
/** `connect` or `conn`: with a target, or at a line's start when the login ends the line. */
const COMMAND = 2;
/** A login with or without a target (`sqlplus`, `userid=`, `jdbc:oracle:thin:`). */
const SURE = 3;

const SURE_TOOLS = ['sqlplus', 'sqlldr', 'expdp', 'impdp'];
const TARGET_TOOLS = ['exp', 'imp'];
const COMMANDS = ['connect', 'conn'];
const JDBC_PREFIXES = ['jdbc:oracle:thin:', 'jdbc:oracle:oci:', 'jdbc:oracle:oci8:'];
/** sqlplus's flags that take a value (`-M "HTML ON"`, `-R 3`, `-C 19.0`), as written or cut short. */
const VALUE_FLAGS = ['markup', 'restrict', 'compatibility'];
const LONGEST_VALUE_FLAG = 13;
const MARKUPS = ['html', 'csv'];

/** An Oracle name's characters: letters, digits, `_`, `$`, `#` (`c##admin`), and `[]` (`scott[hr]`). */
function isUserChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 36 || c === 35 || c === 91 || c === 93;
}

/**
 * A run of user characters (isUserChar) and `/`, read by the regex engine: 256 KB of one run
 * (`/sudo` repeated) took 0.5 ms read a character at a time in a loop, 0.1 this way.
 */
const USERS_AND_SLASHES = /[A-Za-z0-9_$#[\]/]*/y;

/** What ends a login's word: white space, quotes, `;,|&<>` and `)`. Letters are let go first. */
function endsWord(c: number): boolean {
  if (c >= 65) return c === 96 || c === 124;
  return (
    c <= 32 ||
    c === DQUOTE ||
    c === 39 ||
    c === 59 ||
    c === 44 ||
    c === 38 ||
    c === 60 ||
    c === 62 ||
    c === 41
  );
}

/** What may come right before a word: white space, quotes, `(;,|&=`. */
function beforeWord(c: number): boolean {
  if (c >= 65) return c === 96 || c === 124;
  return c <= 32 || c === DQUOTE || c === 39 || c === 40 || c === 59 || c === 44 || c === 38 || c === EQUALS;
}

/** Whether `text[from, to)` is a word of its own: nothing but a word's boundary before it. */
function startsAWord(text: string, from: number): boolean {
  return from === 0 || beforeWord(text.charCodeAt(from - 1));
}

/**
 * What the last calls found, as module state (no allocation per call; no scan runs inside another):
 * the end of the word wordBefore read (wordEnd); the password loginAt found [passwordFrom,
 * passwordTo), where the search goes on after it (resume) and the last word it read as a login's
 * [loginStart, loginEnd), loginStart LOGIN_WORD unless that word could be a tool's relative path
 * (no `@`, no quote, a short name last: `bin/sqlplus`). One object: its number fields cost less to write than a module's `let`s
 * (256 KB of ` a/a`: 3.5 against 3.2 ms).
 */
const found = {
  wordEnd: 0,
  passwordFrom: 0,
  passwordTo: 0,
  resume: 0,
  loginStart: -1,
  loginEnd: -1,
};

/** found.resume when loginAt read nothing: the user starts no word. */
const NO_WORD = -1;

/** found.loginStart, and what wordBefore returns, for a login's word that cannot be a tool's path. */
const LOGIN_WORD = -2;

/**
 * The start of the word before `p` after 1 to MAX_BLANKS blanks, its end in found.wordEnd; -1 when
 * there is none or it is longer than MAX_WORD, LOGIN_WORD when it is the last word loginAt read and
 * no tool's path. A word in quotes on its line (`"HTML ON"`, a flag's value) is one word, from its
 * opening quote.
 */
function wordBefore(text: string, p: number): number {
  let e = p;
  while (e > 0 && p - e <= MAX_BLANKS && isBlank(text.charCodeAt(e - 1))) e--;
  if (e === p || e === 0 || p - e > MAX_BLANKS) return -1;
  found.wordEnd = e;
  // The last word loginAt read: known without reading it back, which took a third of the pass's
  // time in 256 KB of ` a/a`. It names a tool only as a relative path (`bin/sqlplus`, read as a
  // login first), and is read then at most once: the next login read is the last one then.
  if (e === found.loginEnd) return found.loginStart;
  const q = text.charCodeAt(e - 1);
  let s = e;
  if (q === DQUOTE || q === 39) {
    s = e - 2;
    while (s >= 0 && e - s <= MAX_WORD && text.charCodeAt(s) !== q && text.charCodeAt(s) !== LF) s--;
    return s >= 0 && e - s <= MAX_WORD && text.charCodeAt(s) === q ? s : -1;
  }
  while (s > 0 && e - s <= MAX_WORD && !endsWord(text.charCodeAt(s - 1))) s--;
  return e - s > MAX_WORD ? -1 : s;
}

/**
 * The start of the flag before the word at `v` when it is one of sqlplus's that take a value
 * (VALUE_FLAGS, as written or cut short: `-M`, `-mark`), so the word is its value; -1 if not. Reads
 * back no further than the blanks and the longest of them.
 */
function valueFlagBefore(text: string, v: number): number {
  let e = v;
  while (e > 0 && v - e <= MAX_BLANKS && isBlank(text.charCodeAt(e - 1))) e--;
  if (e === v || v - e > MAX_BLANKS) return -1;
  let s = e;
  while (s > 0 && e - s <= LONGEST_VALUE_FLAG && isLetter(text.charCodeAt(s - 1))) s--;
  if (s === e || s === 0 || text.charCodeAt(s - 1) !== DASH || !startsAWord(text, s - 1)) return -1;
  for (let i = 0; i < VALUE_FLAGS.length; i++) {
    const flag = VALUE_FLAGS[i]!;
    if (e - s > flag.length) continue;
    let j = 0;
    while (s + j < e && (text.charCodeAt(s + j) | 0x20) === flag.charCodeAt(j)) j++;
    if (s + j === e) return s - 1;
  }
  return -1;
}

/** Whether only blanks, or a prompt's `>` (`SQL> `), are between the line's start and `p`. */
function startsLine(text: string, p: number): boolean {
  let b = p;
  while (b > 0 && p - b <= MAX_BLANKS && isBlank(text.charCodeAt(b - 1))) b--;
  if (b === 0) return true;
  const c = text.charCodeAt(b - 1);
  return c === LF || c === CR || c === 62;
}

/** What the word `text[s, e)` says of a login after it (a tool's path and `.exe` left out). */
function toolContext(text: string, s: number, e: number): number {
  let b = e;
  while (b > s && text.charCodeAt(b - 1) !== SLASH && text.charCodeAt(b - 1) !== BACKSLASH) b--;
  let end = e;
  if (end - b > 4 && text.charCodeAt(end - 4) === 46 && isWord(text, end - 4, end, '.exe')) end -= 4;
  // By length and first letter before any comparison: most words before a `/` name nothing.
  if (end - b < 3 || end - b > 9) return NONE;
  const plain = b === s && end === e;
  switch (text.charCodeAt(b) | 0x20) {
    case 115: // s
      return isWord(text, b, end, 'sqlplus') || isWord(text, b, end, 'sqlldr') ? SURE : NONE;
    case 101: // e
      if (isWord(text, b, end, 'expdp')) return SURE;
      return plain && isWord(text, s, e, 'exp') ? WITH_TARGET : NONE;
    case 105: // i
      if (isWord(text, b, end, 'impdp')) return SURE;
      return plain && isWord(text, s, e, 'imp') ? WITH_TARGET : NONE;
    case 99: // c
      if (!plain) return NONE;
      if (isOneOf(text, s, e, COMMANDS)) return startsLine(text, s) ? COMMAND : WITH_TARGET;
      return isWord(text, s, e, 'catalog') ? rmanContext(text, s) : NONE;
    case 116: // t
      return plain && isWord(text, s, e, 'target') ? rmanContext(text, s) : NONE;
    case 97: // a
      return plain && isWord(text, s, e, 'auxiliary') ? rmanContext(text, s) : NONE;
    default:
      return NONE;
  }
}

/**
 * rman's `target`, `auxiliary` or `catalog` at `s`: a login after it when `rman` or `connect` (RMAN's
 * own prompt) comes before it, or another login (`rman target sys/pw@cdb catalog rc/pw@rcat`);
 * otherwise a word of prose (`deploy target org/app@v2`).
 */
function rmanContext(text: string, s: number): number {
  const before = wordBefore(text, s);
  if (before === LOGIN_WORD || (before >= 0 && found.wordEnd === found.loginEnd)) return SURE;
  if (before === -1) return NONE;
  return isWord(text, before, found.wordEnd, 'rman') || isOneOf(text, before, found.wordEnd, COMMANDS)
    ? SURE
    : NONE;
}

/**
 * What the words before a login whose user starts a word at `u` say of it: the tool's, past flags
 * and the values of those that take one (`sqlplus -S -R 3 -M "HTML ON" scott/…`).
 */
function contextOf(text: string, u: number): number {
  // `sqlplus "sys/pw@orcl as sysdba"`.
  let p = u > 0 && (text.charCodeAt(u - 1) === DQUOTE || text.charCodeAt(u - 1) === 39) ? u - 1 : u;
  for (let words = 0; words <= MAX_FLAG_WORDS; words++) {
    const s = wordBefore(text, p);
    if (s < 0) return NONE;
    const e = found.wordEnd;
    if (text.charCodeAt(s) === DASH) p = s;
    else {
      if (!startsAWord(text, s)) return NONE;
      const context = toolContext(text, s, e);
      if (context !== NONE || e === found.loginEnd) return context;
      // A word that names no tool says no login, unless it is a flag's value: a number or a version
      // (`-R 3`, `-C 19.0`), quoted (`-M "HTML ON"`), or `-M`'s `HTML` or `CSV` alone.
      // In lower case: digits and quotes stay as they are.
      const v = text.charCodeAt(s) | 0x20;
      if (
        !isDigit(v) &&
        v !== DQUOTE &&
        v !== 39 &&
        !((v === 104 || v === 99) && isOneOf(text, s, e, MARKUPS))
      )
        return NONE;
      p = valueFlagBefore(text, s);
      if (p === -1) return NONE;
    }
  }
  return NONE;
}

/** Whether a JDBC prefix (`jdbc:oracle:thin:`) ends at `u`, starting a word. */
function jdbcBefore(text: string, u: number): boolean {
  for (let i = 0; i < JDBC_PREFIXES.length; i++) {
    const prefix = JDBC_PREFIXES[i]!;
    const from = u - prefix.length;
    if (from >= 0 && isWord(text, from, u, prefix) && startsAWord(text, from)) return true;
  }
  return false;
}

/**
 * Whether an EZConnect address starts at `h` (right after the `@`): `//` and a host, or a host, a
 * port of 1 to 5 digits and `/` with a service after it.
 */
function ezConnectAt(text: string, h: number): boolean {
  const n = text.length;
  if (text.charCodeAt(h) === SLASH && text.charCodeAt(h + 1) === SLASH) {
    const c = text.charCodeAt(h + 2);
    return isAlnum(c) || c === 91;
  }
  if (!isAlnum(text.charCodeAt(h))) return false;
  let p = h + 1;
  while (p < n && (isAlnum(text.charCodeAt(p)) || text.charCodeAt(p) === 46 || text.charCodeAt(p) === DASH))
    p++;
  if (text.charCodeAt(p) !== COLON) return false;
  const port = ++p;
  while (p < n && p - port <= 5 && isDigit(text.charCodeAt(p))) p++;
  return p > port && p - port <= 5 && text.charCodeAt(p) === SLASH && isAlnum(text.charCodeAt(p + 1));
}

/**
 * Whether, at a line's start, `connect user/pw` ends at `e`: nothing but blanks (or `;`) after it on
 * its line, or `as` and a role (`connect sys/pw as sysdba`). "Connect to/from the host" is prose.
 */
function endsCommand(text: string, e: number): boolean {
  const n = text.length;
  let p = e;
  while (p < n && isBlank(text.charCodeAt(p))) p++;
  if (p >= n) return true;
  const c = text.charCodeAt(p);
  if (c === LF || c === CR || c === 59) return true;
  return p > e && isWord(text, p, Math.min(p + 2, n), 'as') && p + 2 < n && isBlank(text.charCodeAt(p + 2));
}

/**
 * Whether the `/` at `slash` is a login's, with its user at `u`: the password in found.passwordFrom
 * and found.passwordTo. Sets found.resume past what was read forward. `given`: what the words before
 * say, or -1 when they are to be read.
 */
function loginAt(text: string, u: number, slash: number, given: number): boolean {
  const n = text.length;
  const before = u > 0 ? text.charCodeAt(u - 1) : 32;
  // The context that needs no word before the user: `jdbc:oracle:thin:scott/…`, `userid=scott/…`.
  let context = given;
  if (context !== -1) {
    // Given by the caller (args.ts).
  } else if (before === COLON) {
    if (!jdbcBefore(text, u)) return false;
    context = SURE;
  } else if (before === EQUALS) {
    context = u >= 7 && isWord(text, u - 7, u - 1, 'userid') && startsAWord(text, u - 7) ? SURE : NONE;
  } else if (!beforeWord(before)) {
    found.resume = NO_WORD;
    return false;
  }
  let at = -1;
  let e = slash + 1;
  // Whether this word could be a tool's relative path: set once the words before are read.
  let path = false;
  if (text.charCodeAt(e) === DQUOTE) {
    // `scott/"my pw"@orcl`: the password to its closing quote on the line.
    let q = e + 1;
    while (q < n && text.charCodeAt(q) !== DQUOTE && text.charCodeAt(q) !== LF) q++;
    found.passwordFrom = e + 1;
    found.passwordTo = q;
    e = q < n && text.charCodeAt(q) === DQUOTE ? q + 1 : q;
    if (text.charCodeAt(e) === AT) at = e;
    while (e < n && !endsWord(text.charCodeAt(e))) e++;
    // Unclosed, empty, or followed by more than a target.
    if (e === q || q === found.passwordFrom || (at === -1 && e !== q + 1)) {
      found.resume = e;
      found.loginStart = LOGIN_WORD;
      found.loginEnd = e;
      return false;
    }
  } else {
    let inPassword = -1;
    let lastSlash = slash;
    for (; e < n; e++) {
      const c = text.charCodeAt(e);
      if (endsWord(c)) break;
      if (c === AT) at = e;
      else if (c === SLASH) {
        if (inPassword === -1) inPassword = e;
        lastSlash = e;
      }
    }
    // A tool's relative path (`bin/sqlplus`, `tools/expdp.exe`): a name of 3 to 11 characters last.
    const tail = e - lastSlash - 1;
    path = at === -1 && tail >= 3 && tail <= 11;
    found.passwordFrom = slash + 1;
    found.passwordTo = at === -1 ? e : at;
    // The password holds no `/`: `a/b/c@host:1/x` is a path.
    if (found.passwordTo === found.passwordFrom || (inPassword !== -1 && inPassword < found.passwordTo)) {
      found.resume = e;
      found.loginStart = path ? u : LOGIN_WORD;
      found.loginEnd = e;
      return false;
    }
  }
  found.resume = e;
  const target = at !== -1 && at + 1 < e;
  // A whole EZConnect address is a login after any word: the words before are read only if not.
  const ezConnect = target && ezConnectAt(text, at + 1);
  // Read while loginEnd is still the word before's.
  if (context === -1 && !ezConnect) context = contextOf(text, u);
  found.loginStart = path ? u : LOGIN_WORD;
  found.loginEnd = e;
  if (ezConnect) return true;
  switch (context) {
    case SURE:
      return true;
    case COMMAND:
      return target || (at === -1 && endsCommand(text, e));
    case WITH_TARGET:
      return target;
    default:
      return false;
  }
}

/**
 * What an argument of an argument list (`process.command_args`, args.ts) that names a program says
 * of the logins in the arguments after it: sqlplus, sqlldr, expdp, impdp and rman (a path or `.exe`
 * before the name) name a login with or without a target, exp and imp one with a target.
 */
export function oracleToolOf(arg: string): number {
  const b = Math.max(arg.lastIndexOf('/'), arg.lastIndexOf('\\')) + 1;
  let end = arg.length;
  if (end - b > 4 && isWord(arg, end - 4, end, '.exe')) end -= 4;
  if (isOneOf(arg, b, end, SURE_TOOLS) || isWord(arg, b, end, 'rman')) return SURE;
  return isOneOf(arg, b, end, TARGET_TOOLS) ? WITH_TARGET : NONE;
}

/** `arg` with its password hidden when it is a login (`scott/tiger@orcl`) after a tool oracleToolOf read. */
export function hideOracleLogin(arg: string, tool: number, replacement: string): string {
  const slash = arg.indexOf('/');
  if (tool === NONE || slash <= 0 || slash > MAX_USER + 2) return arg;
  if (quotedUserBefore(arg, slash, 0) !== 0) {
    if (slash > MAX_USER || !isLetter(arg.charCodeAt(0))) return arg;
    for (let i = 1; i < slash; i++) if (!isUserChar(arg.charCodeAt(i))) return arg;
  }
  if (!loginAt(arg, 0, slash, tool) || isScrubbed(arg, found.passwordFrom, found.passwordTo, replacement))
    return arg;
  return arg.slice(0, found.passwordFrom) + replacement + arg.slice(found.passwordTo);
}

/**
 * Whether `url` starts with `jdbc:oracle:`: URL attributes are not scrubbed as text, but this one
 * holds a login.
 */
export function isOracleJdbcUrl(url: string): boolean {
  return url.length > 12 && (url.charCodeAt(0) | 0x20) === 106 && isWord(url, 0, 12, 'jdbc:oracle:');
}

export function createOracleLoginScrubber(replacement: string): OracleLoginScrubber {
  return (text, budget = secretBudget()) => {
    const slash = text.indexOf('/');
    return slash === -1 ? text : scrubLogins(text, slash, budget, replacement);
  };
}

function scrubLogins(text: string, first: number, budget: SecretBudget, replacement: string): string {
  let out = '';
  let copied = 0;
  // Where the last login's word ended: no user starts before it.
  let scanned = 0;
  let slash = first;
  found.loginEnd = -1;
  while (slash !== -1) {
    let u = slash;
    while (u > scanned && slash - u <= MAX_USER && isUserChar(text.charCodeAt(u - 1))) u--;
    const quoted = u === slash ? quotedUserBefore(text, slash, scanned) : -1;
    if (quoted !== -1) u = quoted;
    let next = slash + 1;
    if (quoted !== -1 || (u < slash && slash - u <= MAX_USER && isLetter(text.charCodeAt(u)))) {
      found.resume = next;
      if (
        loginAt(text, u, slash, -1) &&
        !isScrubbed(text, found.passwordFrom, found.passwordTo, replacement)
      ) {
        out += text.slice(copied, found.passwordFrom) + replacement;
        // Past the budget (budget.ts), this password runs to the end of the text.
        if (!takeSecret(budget)) return out;
        copied = found.passwordTo;
      }
      // A user after `/`, `.`, `-`… starts no word, so this `/` is no login's, and neither is any
      // `/` up to the next character that is neither a user's nor `/`: each of their users is
      // after a `/`. Passed together (256 KB of `/a`, 131k slashes, each read on its own: 2.1 ms).
      if (found.resume === NO_WORD) {
        USERS_AND_SLASHES.lastIndex = next;
        USERS_AND_SLASHES.test(text);
        next = USERS_AND_SLASHES.lastIndex;
      }
      next = Math.max(found.resume, next);
      scanned = next;
    }
    // A few characters read before indexOf: text dense with `/` (256 KB of ` a/a`: 2.4 ms, now 2.0).
    slash = nextOf(text, SLASH, '/', next, 8);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Where a quoted user (`"Scott"/tiger`, an Oracle name in quotes: any case, any character but `"`,
 * and here no `/` or `@`) that ends right before `slash` opens, not before `floor`; -1 when there is none or it is empty.
 */
function quotedUserBefore(text: string, slash: number, floor: number): number {
  if (slash < 3 || text.charCodeAt(slash - 1) !== DQUOTE) return -1;
  let q = slash - 2;
  for (; q >= floor && slash - q <= MAX_USER + 2; q--) {
    const c = text.charCodeAt(q);
    if (c === DQUOTE || c === LF || c === SLASH || c === AT) break;
  }
  return q >= floor && q < slash - 2 && text.charCodeAt(q) === DQUOTE ? q : -1;
}
