import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isSpaceOrTab as isBlank, isScrubbed } from './chars.js';
import { endsInSecretName } from './param-names.js';
import { QUERY_SECRET_SUFFIXES } from './url.js';

/**
 * A setting stored by a CLI as a name and a value in two words, no `=` between:
 * - `aws configure set aws_secret_access_key …`, `npm config set //registry/:_authToken …`, `yarn
 *   config set npmAuthToken …`, `pnpm config set …`: the value of a name that ends in a secret name
 *   (`aws configure set region eu-west-1` is kept);
 * - `dotnet user-secrets set <name> <value>`: every value (the store is for secrets).
 * They went out (until 2026-12-07): the name=value rules need a `=` or `:`. Flags between the command
 * and the name (`npm config set --location=user …`) are skipped, up to MAX_FLAGS; a quoted value
 * runs to its quote on the line.
 *
 * Linear: each command is found with indexOf, its few words read once, and the search goes on after.
 */
export type ConfigSetScrubber = (text: string, budget?: SecretBudget) => string;

/** The commands, each followed by a blank: [needle, whether every value is a secret]. */
const COMMANDS: readonly (readonly [string, boolean])[] = [
  ['config set', false],
  ['configure set', false],
  ['user-secrets set', true],
];
const MAX_FLAGS = 4;
const MAX_NAME = 256;

function isLineEnd(c: number): boolean {
  return c === 10 || c === 13 || Number.isNaN(c);
}

function skipBlanks(text: string, p: number): number {
  let q = p;
  while (q < text.length && isBlank(text.charCodeAt(q))) q++;
  return q;
}

/** Where the word at `from` ends: at a blank or a line's end (a quoted word: at its quote, on its line). */
function wordEnd(text: string, from: number, quote: number, limit: number): number {
  let p = from;
  while (p < text.length && p - from <= limit) {
    const c = text.charCodeAt(p);
    if (isLineEnd(c) || (quote === -1 ? isBlank(c) : c === quote)) break;
    p++;
  }
  return p;
}

function quoteAt(text: string, p: number): number {
  const c = text.charCodeAt(p);
  return c === 34 || c === 39 ? c : -1;
}

/**
 * For an argument list (args.ts): after `words` (`config`, `configure`, `user-secrets`) and `set`,
 * whether the setting `name`'s value, the next argument, is a secret.
 */
export function isSecretSetting(command: string, name: string): boolean {
  if (command === 'user-secrets') return true;
  return (
    (command === 'config' || command === 'configure') &&
    endsInSecretName(name, 0, name.length, QUERY_SECRET_SUFFIXES, true)
  );
}

export function createConfigSetScrubber(replacement: string): ConfigSetScrubber {
  return (text, budget = secretBudget()) => {
    // Every command ends in ` set`: a text without one (nearly all) allocates nothing here.
    if (text.indexOf(' set') === -1) return text;
    // Where each command is next; each searched for forward only.
    const next = COMMANDS.map(([needle]) => text.indexOf(needle));
    let out = '';
    let copied = 0;
    for (;;) {
      let k = -1;
      for (let i = 0; i < next.length; i++) if (next[i] !== -1 && (k === -1 || next[i]! < next[k]!)) k = i;
      if (k === -1) break;
      const [needle, always] = COMMANDS[k]!;
      const at = next[k]!;
      let p = at + needle.length;
      const before = at === 0 ? 32 : text.charCodeAt(at - 1);
      if (
        (isBlank(before) || isLineEnd(before) || before === 34 || before === 39) &&
        isBlank(text.charCodeAt(p))
      ) {
        p = skipBlanks(text, p);
        for (let f = 0; f < MAX_FLAGS && text.charCodeAt(p) === 45; f++)
          p = skipBlanks(text, wordEnd(text, p, -1, MAX_NAME));
        const nameQuote = quoteAt(text, p);
        const nameFrom = nameQuote === -1 ? p : p + 1;
        const nameTo = wordEnd(text, nameFrom, nameQuote, MAX_NAME);
        p = nameQuote !== -1 && text.charCodeAt(nameTo) === nameQuote ? nameTo + 1 : nameTo;
        const gap = p;
        p = skipBlanks(text, p);
        const valueQuote = quoteAt(text, p);
        const valueFrom = valueQuote === -1 ? p : p + 1;
        const valueTo = wordEnd(text, valueFrom, valueQuote, text.length);
        if (
          nameTo > nameFrom &&
          p > gap &&
          valueTo > valueFrom &&
          (always || endsInSecretName(text, nameFrom, nameTo, QUERY_SECRET_SUFFIXES, true)) &&
          !isScrubbed(text, valueFrom, valueTo, replacement)
        ) {
          out += text.slice(copied, valueFrom) + replacement;
          copied = valueTo;
          // Past the budget (budget.ts), this value runs to the end of the text.
          if (!takeSecret(budget)) return out;
        }
        p = Math.max(p, valueTo);
      }
      // The search goes on after what was read, for every command.
      for (let i = 0; i < next.length; i++)
        if (next[i] !== -1 && next[i]! < p) next[i] = text.indexOf(COMMANDS[i]![0], Math.max(p, at + 1));
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
