import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import {
  isAlnum,
  isWhiteSpace as isBlank,
  isDigit,
  isLetter,
  isOneOf,
  isScrubbed,
  isSpaceOrTab,
} from './chars.js';
import { INLINE_SECRET_NAMES } from './defaults.js';
import { endsInSecretName, secretSuffixes } from './param-names.js';
import { PASS_PHRASE_FLAGS, passPhraseSecretAt } from './pass-phrase-args.js';
import { QUERY_SECRET_SUFFIXES } from './url.js';

/**
 * Credentials given as command-line flags, in free text (a logged command, a child process's
 * error, `process.command_line`-like attributes); args.ts does the same for an argument list:
 * - `-u user:pw`, `--user user:pw`, `--user=user:pw`, `-uuser:pw`, `-U`/`--proxy-user` (curl's form)
 *   keep the user and hide the password; `-u 1000:1000` (docker's uid:gid) is kept; after `-U` and
 *   `--user`, Samba's `user%pw` (smbclient, rpcclient) too;
 * - `--password pw`, `--pass pw` (redis-cli), `--db-password pw`, `--token t`, `--client-secret s`:
 *   a long flag whose name ends in a secret name (as `db_password=` in text, param-names.ts), its
 *   value in the next word; not a negated one, `--no-password x`, which takes none (isNegated); the `--password=pw` form is inline.ts's `password=`; with one dash too
 *   (`-password pw`, `-api-key k`: Go's flags), when the name is not glued to a letter (`-psecret`);
 * - `-a pw` on a line that names redis-cli (or valkey-cli, keydb-cli), and `-pSecret` on one that
 *   names mysql or mariadb: elsewhere `-a` and `-p` are common flags (`ls -a`, `mkdir -pv`), and
 *   `mysql -p db` prompts for the password (`db` is the database);
 * - likewise `-p pw` after sshpass, useradd/usermod/groupadd/groupmod (an encrypted password) or `login` after docker, podman, az and others (LOGIN_TOOLS), `-P pw` after sqlcmd, `-w pw`
 *   after an OpenLDAP client, `-k pw` after openssl, `-N pw` after ssh-keygen (`ssh -p 22`, `docker run -p 8080:80`, `curl -w …` elsewhere). A flag
 *   after the tool on its line is read as the tool's, so `sshpass -p pw ssh -p 22` hides the port too.
 * A value in quotes runs to the closing quote on its line (`-u 'bob:my pw'`).
 *
 * One pass: each `-` that starts a word is found with indexOf and the search goes on after its
 * value; the tools are looked for with indexOf only once such a short flag is met, each search
 * going on from the last one, so no character is read more than a few times.
 */
export type CliFlagScrubber = (text: string, budget?: SecretBudget) => string;

const DASH = 45;
const COLON = 58;
const EQUALS = 61;
const SLASH = 47;
const PERCENT = 37;
const LF = 10;
const SQUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;
const CR = 13;
const COMMA = 44;
/** A quoted flag's value item is looked for this far after the flag's closing quote (util.inspect's line break and indent). */
const MAX_ITEM_GAP = 64;
/** A quoted value item is read this far at most. */
const MAX_ITEM = 1024;
/** Names longer than this are no flags worth reading. */
const MAX_NAME = 64;

/** A flag name's characters: letters, digits, `-`, `_`. */
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === DASH || c === 95;
}

/**
 * What a flag comes after, when not at the text's start: a space, a tab, a line's end (`\n`, a lone
 * `\r`), or a quote that opens a list's item (`[ '--password', 'pw' ]`, scrubFlags' quotedFlag).
 */
const FLAG_STARTS = [' -', '\t-', '\n-', '\r-', "'-", '"-'];
/**
 * Where each of FLAG_STARTS was found by the last search for it, -2 before the first: searched
 * again only once passed, so each is searched for across the text once. Module state, not the
 * pass's: a pass never runs inside another, and a text with no flag allocates nothing.
 */
const flagStarts = [-2, -2, -2, -2, -2, -2];

/** Starts a new text for nextFlag. */
function forgetFlagStarts(): void {
  for (let i = 0; i < flagStarts.length; i++) flagStarts[i] = -2;
}

/** Characters read one by one for the next flag before indexOf is called (see nextFlag). */
const NEAR = 16;

/**
 * Where the `-` of the next blank and `-` at or after `from` is, or -1. The next few characters are
 * read first: in text dense with flags, four indexOf calls per flag cost more than the flags' reading
 * (256 KB of `-u -u `: 4.1 ms).
 */
function nextFlag(text: string, from: number): number {
  const near = Math.min(from + NEAR, text.length);
  for (let i = from > 0 ? from : 1; i < near; i++) {
    if (text.charCodeAt(i) === DASH) {
      const b = text.charCodeAt(i - 1);
      if (b === 32 || b === 9 || b === 10 || b === 13 || b === SQUOTE || b === DQUOTE) return i;
    }
  }
  return near < text.length ? searchFlag(text, near) : -1;
}

/** nextFlag's search by indexOf, each of FLAG_STARTS searched for again only once passed. */
function searchFlag(text: string, from: number): number {
  const start = from - 1;
  let best = -1;
  for (let i = 0; i < FLAG_STARTS.length; i++) {
    let at = flagStarts[i]!;
    if (at !== -1 && at < start) {
      at = text.indexOf(FLAG_STARTS[i]!, start);
      flagStarts[i] = at;
    }
    if (at !== -1 && (best === -1 || at < best)) best = at;
  }
  return best === -1 ? -1 : best + 1;
}

/** Where a tool's name last occurred before a position: searched forward only, as positions grow. */
interface Seen {
  readonly needles: readonly string[];
  readonly next: number[];
  /** Whether an occurrence at `at` names the tool (a needle shared by several, `ldap`); all do without. */
  readonly accept: ((text: string, at: number) => boolean) | undefined;
  last: number;
  /** Set once no needle occurs further on: `last` is then the answer for every `p` after. */
  done: boolean;
}

function seen(needles: readonly string[], accept?: (text: string, at: number) => boolean): Seen {
  return { needles, next: needles.map(() => -2), accept, last: -1, done: false };
}

/** The last occurrence of any of the needles that starts before `p`, or -1. `p` never decreases. */
function lastBefore(s: Seen, text: string, p: number): number {
  // In text dense with short flags and no tool, each flag looped over every needle (9 of `-p`'s).
  if (s.done) return s.last;
  let done = true;
  for (let i = 0; i < s.needles.length; i++) {
    const needle = s.needles[i]!;
    let next = s.next[i]!;
    if (next === -2) next = text.indexOf(needle);
    while (next !== -1 && next < p) {
      if (next > s.last && (s.accept === undefined || s.accept(text, next))) s.last = next;
      next = text.indexOf(needle, next + needle.length);
    }
    s.next[i] = next;
    if (next !== -1) done = false;
  }
  s.done = done;
  return s.last;
}

/**
 * The words before `login` whose `-p` takes a password in the next word: container registries'
 * clients, Azure's CLI (`az login`, `az acr login`), OpenShift's `oc`, Cloud Foundry's `cf`,
 * `helm registry login`. Short, so `login` is read back only a few letters.
 */
const LOGIN_TOOLS = [
  'docker',
  'podman',
  'az',
  'acr',
  'oc',
  'cf',
  'registry',
  'oras',
  'buildah',
  'skopeo',
  'nerdctl',
];
const LONGEST_LOGIN_TOOL = 8;
/** MongoDB's shells and tools, whose `-p` is `--password`. */
const MONGO_TOOLS = [
  'mongo',
  'mongosh',
  'mongodump',
  'mongorestore',
  'mongoexport',
  'mongoimport',
  'mongostat',
  'mongotop',
  'mongofiles',
];
/** shadow-utils' tools, whose `-p` takes the encrypted password (`usermod -p '$6$…' bob`). */
const SHADOW_TOOLS = ['useradd', 'usermod', 'groupadd', 'groupmod'];
/** The tools whose `-p` takes a password in the next word (Cassandra's cqlsh too). */
export const P_PASSWORD_TOOLS = [
  'sshpass',
  ...SHADOW_TOOLS,
  // RabbitMQ's management CLI (`rabbitmqadmin -u bob -p pw list queues`).
  'rabbitmqadmin',
  'cqlsh',
  ...MONGO_TOOLS,
  ...LOGIN_TOOLS.map((tool) => `${tool} login`),
];
/** The tools whose `-P` does: SQL Server's sqlcmd and bcp, zip and unzip, ssh-keygen (the old passphrase). */
export const UPPER_P_PASSWORD_TOOLS = ['sqlcmd', 'bcp', 'zip', 'unzip', 'ssh-keygen'];
/** The tools whose `-k` does: OpenSSL (`openssl enc -k pw`, enc's password). */
export const K_PASSWORD_TOOLS = ['openssl'];
/** The tools whose `-N` does: ssh-keygen (the new passphrase; `-P` is the old one). */
export const UPPER_N_PASSWORD_TOOLS = ['ssh-keygen'];
/** The tools whose `-w` does: OpenLDAP's clients. */
export const W_PASSWORD_TOOLS = [
  'ldapsearch',
  'ldapmodify',
  'ldapadd',
  'ldapdelete',
  'ldappasswd',
  'ldapwhoami',
  'ldapcompare',
  'ldapmodrdn',
  'ldapexop',
];

/**
 * The needles those tools are searched for by in text, few, since each one absent from a text costs
 * a search through all of it (13 names: ~1 ms in 256 KB of flags): `login` after LOGIN_TOOLS,
 * `ldap` before an OpenLDAP client's rest of name (not `ldap://`).
 */
const P_NEEDLES = [
  'sshpass',
  'login',
  'mongo',
  'cqlsh',
  'rabbitmqadmin',
  'useradd',
  'usermod',
  'groupadd',
  'groupmod',
];
const UPPER_P_NEEDLES = ['sqlcmd', 'bcp', 'zip', 'ssh-keygen'];
/** Tools named with a glued `-pSecret`: mysql's, sshpass's, 7-Zip's (`7z a -pSecret`). */
const GLUED_P_NEEDLES = ['mysql', 'mariadb', 'sshpass', '7z'];
const W_NEEDLES = ['ldap'];
const W_SUFFIXES = W_PASSWORD_TOOLS.map((tool) => tool.slice(4));

/** A character of a word or a file name a tool's name must not be inside of (`x.zip`, `pymongo`). */
function isWordChar(c: number): boolean {
  return isAlnum(c) || c === DASH || c === 95 || c === 46;
}

/**
 * Whether the needle at `at`, with up to `back` letters before it (`un` of `unzip`), is a whole word
 * that is one of `tools`: not inside a longer name (`pymongo`, `gzip`), a file's (`backup.zip`) or an
 * address (`mongodb://`).
 */
function isToolWord(text: string, at: number, tools: readonly string[], back: number): boolean {
  let from = at;
  while (from > 0 && at - from < back && isLetter(text.charCodeAt(from - 1))) from--;
  if (from > 0 && isWordChar(text.charCodeAt(from - 1))) return false;
  let to = at;
  while (to < text.length && to - from <= 16 && isAlnum(text.charCodeAt(to))) to++;
  return !isWordChar(text.charCodeAt(to)) && isOneOf(text, from, to, tools);
}

/**
 * `sshpass`, `cqlsh`, one of MONGO_TOOLS or SHADOW_TOOLS as a word, or `login` as a word after one
 * of LOGIN_TOOLS and a space (`az login`, not `xaz login`).
 */
function acceptPTool(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c === 109) return isToolWord(text, at, MONGO_TOOLS, 0);
  if (c === 117 || c === 103) return isToolWord(text, at, SHADOW_TOOLS, 0);
  if (c !== 108) return true;
  if (at < 3 || text.charCodeAt(at - 1) !== 32 || isNameChar(text.charCodeAt(at + 5))) return false;
  let word = at - 1;
  while (word > 0 && at - 1 - word <= LONGEST_LOGIN_TOOL && isLetter(text.charCodeAt(word - 1))) word--;
  if (word > 0 && isNameChar(text.charCodeAt(word - 1))) return false;
  return isOneOf(text, word, at - 1, LOGIN_TOOLS);
}

/** `sqlcmd`, or `bcp`, `zip`, `unzip` as a word. */
function acceptUpperPTool(text: string, at: number): boolean {
  return text.charCodeAt(at) === 115 || isToolWord(text, at, UPPER_P_PASSWORD_TOOLS, 2);
}

/** mysql, mariadb (and their tools: `mysqldump`), sshpass, or 7-Zip as a word (`7z`, `7za`, `7zr`). */
function acceptGluedPTool(text: string, at: number): boolean {
  return text.charCodeAt(at) !== 55 || isToolWord(text, at, ['7z', '7za', '7zr'], 0);
}

function acceptWTool(text: string, at: number): boolean {
  let e = at + 4;
  while (e < text.length && e - at <= 11 && isAlnum(text.charCodeAt(e))) e++;
  for (let i = 0; i < W_SUFFIXES.length; i++)
    if (e - at - 4 === W_SUFFIXES[i]!.length && text.startsWith(W_SUFFIXES[i]!, at + 4)) return true;
  return false;
}

/** The tools of the short flag `k` (0 `-a`, 1 `-p`, 2 `-P`, 3 `-w`, 4 `-k`, 5 `-N`), to search a text for. */
function seenForShortFlag(k: number): Seen {
  if (k === 0) return seen(['redis-cli', 'valkey-cli', 'keydb-cli']);
  if (k === 1) return seen(P_NEEDLES, acceptPTool);
  if (k === 4) return seen(K_PASSWORD_TOOLS);
  if (k === 5) return seen(UPPER_N_PASSWORD_TOOLS);
  return k === 2 ? seen(UPPER_P_NEEDLES, acceptUpperPTool) : seen(W_NEEDLES, acceptWTool);
}

export function createCliFlagScrubber(replacement: string): CliFlagScrubber {
  return (text, budget = secretBudget()) => {
    // A flag starts a word: at the start, or after a space, a tab or a line's end, each searched
    // for as two characters (searching every `-` cost 1.5 ms for 256 KB of `-----BEGIN `).
    let dash = text.indexOf('-');
    if (dash === -1) return text;
    // A two-character search in text with a space every few characters: ~0.25 ms for 256 KB of
    // prose, so only once a `-` is known to be there.
    forgetFlagStarts();
    if (dash !== 0) dash = nextFlag(text, dash);
    if (dash === -1) return text;
    return scrubFlags(text, dash, budget, replacement);
  };
}

/**
 * Whether the long flag's name `text[from, to)` (after `--`) is a negated boolean, `no-` and a name:
 * `--no-password x` turns a prompt off and takes no value, so `x` is the next argument (yargs',
 * commander's and argparse's `BooleanOptionalAction` form). Only that form: `--password x` and
 * `--nopassword x` still hide `x`, and `--no-password=x` is inline.ts's `password=`.
 */
export function isNegated(text: string, from: number, to: number): boolean {
  return to - from > 3 && text.startsWith('no-', from) && isAlnum(text.charCodeAt(from + 3));
}

/** keytool's and jarsigner's password flags: `-storepass`, `-keypass` (`pass` glued to a word). */
const KEYSTORE_PASSWORDS = ['storepass', 'keypass'];
/** Secret names that end a one-dash flag's name only after a `-` or `_`, or as all of it (not `-psecret`, mysql's `-p`). */
const ONE_DASH_NAMES = secretSuffixes(
  [...INLINE_SECRET_NAMES, ...KEYSTORE_PASSWORDS],
  // keytool's and jarsigner's `-srcstorepass`, `-destkeypass`.
  KEYSTORE_PASSWORDS,
);
/** Shorter names are clusters of short flags (`-pwd` could be `-p -w -d`). */
const MIN_ONE_DASH_NAME = 4;
/** Where singleDashSecretFlag's name ended: the value is looked for after it. */
let oneDashEnd = 0;
/** Whether singleDashSecretFlag's flag is OpenSSL's pass phrase flag (pass-phrase-args.ts). */
let oneDashPassPhrase = false;

/** Whether one-dash flags may be secret-named; args.ts reads `-password` as one, not mysql's `-p` and `assword`. */
export function isOneDashSecretName(text: string, from: number, to: number): boolean {
  return to - from >= MIN_ONE_DASH_NAME && endsInSecretName(text, from, to, ONE_DASH_NAMES, true);
}

/**
 * Whether a one-dash flag at `dash` is named as a secret and followed by a blank (`-password pw`,
 * `-db-password pw`, `-token t`), its name's end in oneDashEnd. Names are read up to MAX_NAME.
 */
function singleDashSecretFlag(text: string, dash: number): boolean {
  // Shorter than MIN_ONE_DASH_NAME and `-pass`: a cluster of short flags (`-u`, `-pa`), read no further.
  if (
    !isNameChar(text.charCodeAt(dash + 2)) ||
    !isNameChar(text.charCodeAt(dash + 3)) ||
    !isNameChar(text.charCodeAt(dash + 4))
  )
    return false;
  let end = dash + 1;
  while (end < text.length && end - dash <= MAX_NAME && isNameChar(text.charCodeAt(end))) end++;
  oneDashEnd = end;
  const sep = text.charCodeAt(end);
  if (sep !== 32 && sep !== 9) return false;
  oneDashPassPhrase =
    end - dash <= 8 &&
    (text.charCodeAt(dash + 1) | 0x20) === 112 &&
    isOneOf(text, dash, end, PASS_PHRASE_FLAGS);
  return oneDashPassPhrase || isOneDashSecretName(text, dash + 1, end);
}

/**
 * The pass itself, from the first flag at `dash`. A function of its own: its inner functions and
 * the variables they share are allocated on every call, and most texts hold no flag (span.end()
 * of 16,256 values allocated 28 bytes more a value with them in the caller, Node 26).
 */
function scrubFlags(text: string, first: number, budget: SecretBudget, replacement: string): string {
  let dash = first;
  const n = text.length;
  let out = '';
  let copied = 0;
  // The tools of `-a`, `-p`, `-P` and `-w` with a value after a blank, made on the first such flag.
  const shortFlagTools: (Seen | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];
  let mysql: Seen | undefined;
  let lines: Seen | undefined;
  // The value found by valueAt: [valueFrom, valueTo), quotes left out.
  let valueFrom = 0;
  let valueTo = 0;

  /** The word at `from` (after blanks when `skip`), as valueFrom/valueTo; false when there is none or it is a flag. */
  function valueAt(from: number, skip: boolean): boolean {
    let v = from;
    if (skip) while (v < n && (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9)) v++;
    if (v >= n || isBlank(text.charCodeAt(v)) || text.charCodeAt(v) === DASH) return false;
    let q = text.charCodeAt(v);
    if (q === 34 || q === 39) {
      let e = v + 1;
      while (e < n && text.charCodeAt(e) !== q && text.charCodeAt(e) !== LF) e++;
      if (e < n && text.charCodeAt(e) === q) {
        valueFrom = v + 1;
        valueTo = e;
        return e > v + 1;
      }
      v++;
    } else q = -1;
    let e = v;
    // A blank escaped by a backslash is the word's (`--password hun\ ter2`: `ter2` went out until 2026-12-07).
    while (e < n && text.charCodeAt(e) !== q) {
      const c = text.charCodeAt(e);
      if (c === BACKSLASH && isSpaceOrTab(text.charCodeAt(e + 1))) e += 2;
      else if (isBlank(c)) break;
      else e++;
    }
    valueFrom = v;
    valueTo = e;
    return e > v;
  }

  /** Whether one of `s`'s tools is named on the line of `p` before it. */
  function onLineOf(s: Seen, p: number): boolean {
    lines ??= seen(['\n']);
    const tool = lastBefore(s, text, p);
    return tool !== -1 && tool > lastBefore(lines, text, p);
  }

  /** Replaces text[from, to) unless it is scrubbed already; false when the budget is spent. */
  function hide(from: number, to: number): boolean {
    if (isScrubbed(text, from, to, replacement)) return true;
    out += text.slice(copied, from) + replacement;
    copied = to;
    return takeSecret(budget);
  }

  /**
   * `user:password` in valueFrom/valueTo: hides the password unless the user is a number, or the
   * value is a URL (`redis-cli -u redis://:pw@h:6379`, whose userinfo the URL pass has scrubbed:
   * read as `user:password`, its host and port went too).
   */
  function userValue(samba: boolean): boolean {
    let colon = valueFrom;
    while (colon < valueTo && text.charCodeAt(colon) !== COLON) colon++;
    // Samba's `-U user%password` (`--user=`): no colon, the password after the first `%`.
    if (samba && colon === valueTo) {
      colon = valueFrom;
      while (colon < valueTo && text.charCodeAt(colon) !== PERCENT) colon++;
      return colon === valueFrom || colon + 1 >= valueTo || hide(colon + 1, valueTo);
    }
    if (colon === valueFrom || colon + 1 >= valueTo) return true;
    if (text.charCodeAt(colon + 1) === SLASH && text.charCodeAt(colon + 2) === SLASH) return true;
    let digits = true;
    for (let i = valueFrom; i < colon && digits; i++) digits = isDigit(text.charCodeAt(i));
    return digits || hide(colon + 1, valueTo);
  }

  /**
   * The list item after a quoted flag's closing quote at `p`, as valueFrom/valueTo (quotes left
   * out): a `,` and blanks (a line's end too: util.inspect breaks a long list over lines), then an
   * item quoted with `'` or `"` (a backslash escapes the next character, as in JSON and
   * util.inspect). False when there is none, it is empty or it is a flag. One that does not close
   * on its line within MAX_ITEM runs to there (hidden rather than read short).
   */
  function itemAfter(p: number): boolean {
    const gapEnd = Math.min(n, p + MAX_ITEM_GAP);
    if (p < n && text.charCodeAt(p) === COMMA) p++;
    while (p < gapEnd && isBlank(text.charCodeAt(p))) p++;
    const q = p < gapEnd ? text.charCodeAt(p) : -1;
    if (q !== SQUOTE && q !== DQUOTE) return false;
    const first = p + 1;
    if (first >= n || text.charCodeAt(first) === q || text.charCodeAt(first) === DASH) return false;
    const end = Math.min(n, first + MAX_ITEM);
    let e = first;
    while (e < end) {
      const ch = text.charCodeAt(e);
      if (ch === q || ch === LF || ch === CR) break;
      e += ch === BACKSLASH && e + 1 < end ? 2 : 1;
    }
    valueFrom = first;
    valueTo = Math.min(e, end);
    return true;
  }

  /**
   * A flag written as a quoted item of a list, its value the next item: util.inspect's
   * `[ 'node', 'app.js', '--password', 'hunter2' ]` (a logged `process.argv`, a spawn error's
   * `spawnargs`), JSON's `["--token","abc"]`, a shell's `'--password' 'hunter2'`. The same flags as
   * unquoted ones: `--` and a secret name, `--user`/`-u` (`user:pw`), a one-dash secret name, and a
   * tool's short flag on its tool's line. The flag's item must close right after its name (`q`, the
   * quote before the dash). False when the budget is spent.
   */
  function quotedFlag(q: number): boolean {
    const two = text.charCodeAt(dash + 1) === DASH;
    const nameFrom = dash + (two ? 2 : 1);
    if (!isAlnum(text.charCodeAt(nameFrom))) return true;
    let end = nameFrom;
    while (end < n && end - dash <= MAX_NAME && isNameChar(text.charCodeAt(end))) end++;
    from = end;
    if (text.charCodeAt(end) !== q) return true;
    const length = end - nameFrom;
    const c = text.charCodeAt(nameFrom);
    let at = -1;
    if (two) {
      if (
        (length === 4 || length === 10) &&
        text.startsWith(length === 4 ? 'user' : 'proxy-user', nameFrom)
      ) {
        if (!itemAfter(end + 1)) return true;
        from = valueTo;
        return userValue(length === 4);
      }
      if (
        isNegated(text, nameFrom, end) ||
        !endsInSecretName(text, nameFrom, end, QUERY_SECRET_SUFFIXES, true) ||
        !itemAfter(end + 1)
      )
        return true;
      at = valueFrom;
    } else if (length === 1) {
      if (c === 117 || c === 85) {
        if (!itemAfter(end + 1)) return true;
        from = valueTo;
        return userValue(c === 85);
      }
      const k =
        c === 97 ? 0 : c === 112 ? 1 : c === 80 ? 2 : c === 119 ? 3 : c === 107 ? 4 : c === 78 ? 5 : -1;
      if (k === -1) return true;
      shortFlagTools[k] ??= seenForShortFlag(k);
      if (!onLineOf(shortFlagTools[k]!, dash) || !itemAfter(end + 1)) return true;
      at = valueFrom;
    } else if (isLetter(c)) {
      const passPhrase = length <= 7 && (c | 0x20) === 112 && isOneOf(text, dash, end, PASS_PHRASE_FLAGS);
      if (!(passPhrase || isOneDashSecretName(text, nameFrom, end)) || !itemAfter(end + 1)) return true;
      at = passPhrase ? passPhraseSecretAt(text, valueFrom, valueTo) : valueFrom;
    } else return true;
    from = valueTo;
    return at === -1 || hide(at, valueTo);
  }

  let from = 0;
  while (dash !== -1) {
    from = dash + 1;
    const c = text.charCodeAt(dash + 1);
    const opened = dash > 0 ? text.charCodeAt(dash - 1) : -1;
    let ok = true;
    if (opened === SQUOTE || opened === DQUOTE) {
      ok = quotedFlag(opened);
    } else if (c === DASH && isAlnum(text.charCodeAt(dash + 2))) {
      // `--` and a letter or digit: `-----BEGIN` is no flag.
      let end = dash + 2;
      while (end < n && end - dash <= MAX_NAME && isNameChar(text.charCodeAt(end))) end++;
      from = end;
      const sep = end < n ? text.charCodeAt(end) : -1;
      const length = end - dash - 2;
      if (
        (length === 4 || length === 10) &&
        text.startsWith(length === 4 ? 'user' : 'proxy-user', dash + 2)
      ) {
        if (
          (sep === EQUALS && valueAt(end + 1, false)) ||
          ((sep === 32 || sep === 9) && valueAt(end, true))
        ) {
          ok = userValue(length === 4);
          from = valueTo;
        }
      } else if (
        (sep === 32 || sep === 9) &&
        !isNegated(text, dash + 2, end) &&
        endsInSecretName(text, dash + 2, end, QUERY_SECRET_SUFFIXES, true) &&
        valueAt(end, true)
      ) {
        ok = hide(valueFrom, valueTo);
        from = valueTo;
      }
    } else if (isLetter(c) && singleDashSecretFlag(text, dash) && valueAt(oneDashEnd, true)) {
      // `-password pw`, `-api-key k`: Go's flag package (and Java's, Terraform's…) takes one dash.
      // OpenSSL's `-passin env:VAR` names where the password is (`-passin pass:pw` holds it).
      const at = oneDashPassPhrase ? passPhraseSecretAt(text, valueFrom, valueTo) : valueFrom;
      ok = at === -1 || hide(at, valueTo);
      from = valueTo;
    } else if (c === 117 || c === 85) {
      // `-u user:pw`, `-uuser:pw`; `-U` is curl's proxy user.
      const glued = dash + 2 < n && !isBlank(text.charCodeAt(dash + 2));
      if (valueAt(dash + 2, !glued)) {
        ok = userValue(c === 85);
        from = valueTo;
      }
    } else if (
      (c === 97 || c === 112 || c === 80 || c === 119 || c === 107 || c === 78) &&
      dash + 2 < n &&
      isBlank(text.charCodeAt(dash + 2))
    ) {
      // `-a pw` after redis-cli, `-p pw` after sshpass, `-P pw` after sqlcmd, `-w pw` after
      // ldapsearch, `-k pw` after openssl, `-N pw` after ssh-keygen.
      const k = c === 97 ? 0 : c === 112 ? 1 : c === 80 ? 2 : c === 119 ? 3 : c === 107 ? 4 : 5;
      shortFlagTools[k] ??= seenForShortFlag(k);
      // The tool first: with none on the line (most text), no value is read.
      if (onLineOf(shortFlagTools[k]!, dash) && valueAt(dash + 2, true)) {
        ok = hide(valueFrom, valueTo);
        from = valueTo;
      }
    } else if (c === 112 && dash + 2 < n && !isBlank(text.charCodeAt(dash + 2))) {
      mysql ??= seen(GLUED_P_NEEDLES, acceptGluedPTool);
      if (onLineOf(mysql, dash) && valueAt(dash + 2, false)) {
        ok = hide(valueFrom, valueTo);
        from = valueTo;
      }
    }
    // Past the budget (budget.ts), this value runs to the end of the text.
    if (!ok) return out;
    dash = from < n ? nextFlag(text, from) : -1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
