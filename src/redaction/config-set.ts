import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isSpaceOrTab as isBlank, isOneOf, isScrubbed, isWord } from './chars.js';
import { endsInSecretName } from './param-names.js';
import { QUERY_SECRET_SUFFIXES } from './url.js';

/**
 * A setting stored by a CLI as a name and a value in two words, no `=` between:
 * - `aws configure set aws_secret_access_key …`, `npm config set //registry/:_authToken …`, `yarn
 *   config set npmAuthToken …`, `pnpm config set …`: the value of a name that ends in a secret name
 *   (`aws configure set region eu-west-1` is kept);
 * - Redis's `CONFIG SET requirepass|masterauth <password>` outside a statement (`redis-cli -h h
 *   CONFIG SET requirepass pw` in a log line, a command line, an error quoting it): the commands are
 *   matched in any case, and Redis's password settings count as secret names (REDIS_PASSWORDS);
 * - Redis 7's several pairs in one `CONFIG SET maxmemory 100mb requirepass pw`: read up to MAX_PAIRS
 *   on the line, only where the command is written `CONFIG SET` (as Redis's documentation and
 *   redis-cli users write it), so that prose after a lower-case `npm config set x y` is never read
 *   as more pairs;
 * - `dotnet user-secrets set <name> <value>`: every value (the store is for secrets).
 * They went out (until 2026-12-07): the name=value rules need a `=` or `:`, and redis-statement.ts
 * reads only `db.statement`. Flags between the command and the name (`npm config set
 * --location=user …`) are skipped, up to MAX_FLAGS; a quoted value runs to its quote on the line.
 *
 * Linear: the commands are found by one regex of literals, their few words read once, and the
 * search goes on after.
 */
export type ConfigSetScrubber = (text: string, budget?: SecretBudget) => string;

/** The commands, each followed by a blank, in any case; group 1: `user-secrets`, whose every value is a secret. */
const COMMAND = /(?:config|configure|(user-secrets)) set/gi;
/**
 * What every command holds, in any case: a text without it (nearly all) is returned at once, nothing
 * allocated. A regex, not indexOf(' set') per case: one scan (256 KB of prose: ~0.15 ms against
 * ~0.27 for one indexOf, Node 20).
 */
const SET = / [Ss][Ee][Tt]/;
/**
 * Redis's (and Valkey's) password settings whose name ends in no secret name: `masterauth` and
 * Valkey's `primaryauth` (`requirepass` ends in `pass`).
 */
const REDIS_PASSWORDS = ['masterauth', 'primaryauth', 'requirepass'];
const MAX_FLAGS = 4;
const MAX_NAME = 256;
/** Name/value pairs read after one `CONFIG SET` (Redis 7 takes several); args.ts's limit too. */
export const MAX_PAIRS = 8;

function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || Number.isNaN(c);
}

function skipBlanks(text: string, p: number): number {
  let q = p;
  while (q < text.length && isBlank(text.charCodeAt(q))) q++;
  return q;
}

/**
 * Where the word at `from` ends: at a blank, a line's end or `outer`, the quote the command is in
 * (a quoted word: at its quote, on its line).
 */
function wordEnd(text: string, from: number, quote: number, limit: number, outer = -1): number {
  let p = from;
  while (p < text.length && p - from <= limit) {
    const c = text.charCodeAt(p);
    if (isLineEnd(c) || (quote === -1 ? isBlank(c) || c === outer : c === quote)) break;
    p++;
  }
  return p;
}

function quoteAt(text: string, p: number): number {
  const c = text.charCodeAt(p);
  return c === 34 || c === 39 ? c : -1;
}

/** Whether the setting named `text[from, to)` holds a secret. */
function secretName(text: string, from: number, to: number): boolean {
  return (
    endsInSecretName(text, from, to, QUERY_SECRET_SUFFIXES, true) || isOneOf(text, from, to, REDIS_PASSWORDS)
  );
}

const SETTING_COMMANDS = ['config', 'configure', 'user-secrets'];

/**
 * For an argument list (args.ts): when `arg` is `set` and `before` one of the commands, in any case
 * (`CONFIG SET` too), the command in lower case.
 */
export function settingCommand(before: string | undefined, arg: string): string | undefined {
  if (before === undefined || !isWord(arg, 0, arg.length, 'set')) return undefined;
  for (const command of SETTING_COMMANDS) if (isWord(before, 0, before.length, command)) return command;
  return undefined;
}

/**
 * For an argument list (args.ts): after `command` (`config`, `configure`, `user-secrets`, lower
 * case) and `set`, whether the setting `name`'s value, the next argument, is a secret.
 */
export function isSecretSetting(command: string, name: string): boolean {
  if (command === 'user-secrets') return true;
  return (command === 'config' || command === 'configure') && secretName(name, 0, name.length);
}

export function createConfigSetScrubber(replacement: string): ConfigSetScrubber {
  return (text, budget = secretBudget()) => {
    if (!SET.test(text)) return text;
    let out = '';
    let copied = 0;
    COMMAND.lastIndex = 0;
    for (let m = COMMAND.exec(text); m !== null; m = COMMAND.exec(text)) {
      const at = m.index;
      const always = m[1] !== undefined;
      let p = at + m[0].length;
      const before = at === 0 ? 32 : text.charCodeAt(at - 1);
      if (
        (isBlank(before) || isLineEnd(before) || before === 34 || before === 39) &&
        isBlank(text.charCodeAt(p))
      ) {
        p = skipBlanks(text, p);
        for (let f = 0; f < MAX_FLAGS && text.charCodeAt(p) === 45; f++)
          p = skipBlanks(text, wordEnd(text, p, -1, MAX_NAME));
        // `'CONFIG SET requirepass pw'` quoted in an error: the quote after the value is not its.
        const outer = before === 34 || before === 39 ? before : -1;
        const pairs = text.startsWith('CONFIG SET', at) ? MAX_PAIRS : 1;
        for (let pair = 0; pair < pairs; pair++) {
          if (pair > 0) {
            // The next pair, on the same line and inside the same quote.
            const q = skipBlanks(text, p);
            const c = text.charCodeAt(q);
            if (q === p || q >= text.length || isLineEnd(c) || c === outer) break;
            p = q;
          }
          const nameQuote = quoteAt(text, p);
          const nameFrom = nameQuote === -1 ? p : p + 1;
          const nameTo = wordEnd(text, nameFrom, nameQuote, MAX_NAME, outer);
          p = nameQuote !== -1 && text.charCodeAt(nameTo) === nameQuote ? nameTo + 1 : nameTo;
          const gap = p;
          p = skipBlanks(text, p);
          const valueQuote = quoteAt(text, p);
          const valueFrom = valueQuote === -1 ? p : p + 1;
          const valueTo = wordEnd(text, valueFrom, valueQuote, text.length, outer);
          if (nameTo <= nameFrom || p <= gap || valueTo <= valueFrom) break;
          if (
            (always || secretName(text, nameFrom, nameTo)) &&
            !isScrubbed(text, valueFrom, valueTo, replacement)
          ) {
            out += text.slice(copied, valueFrom) + replacement;
            copied = valueTo;
            // Past the budget (budget.ts), this value runs to the end of the text.
            if (!takeSecret(budget)) return out;
          }
          p = valueQuote !== -1 && text.charCodeAt(valueTo) === valueQuote ? valueTo + 1 : valueTo;
        }
      }
      // The search goes on after what was read.
      COMMAND.lastIndex = Math.max(p, at + 1);
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
