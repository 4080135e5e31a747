import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isScrubbed, lineEnd } from './chars.js';
import { endsInSecretName, type SecretSuffixes } from './param-names.js';
import { quoteClose } from './quotes.js';

/**
 * A secret set as a name and a value side by side, in free text: Kubernetes' and ECS's environment
 * entries (`{"name":"DB_PASSWORD","value":"…"}`, util.inspect's `{ name: 'API_TOKEN', value: '…' }`,
 * YAML's `- name: DB_PASSWORD` with `value: …` on the next line), CloudFormation's parameters
 * (`"ParameterKey":"DbPassword","ParameterValue":"…"`). The secret name is a value, not a key, so
 * the `name=value` rule (inline.ts) never saw it and the value went out (until 2026-12-07); the same
 * shape in XML is xml-attributes.ts's. Its items on lines of their own, as `JSON.stringify(env, null,
 * 2)` and util.inspect of a long or nested list write them (`"name": "DB_PASSWORD",` then `"value":
 * "…"` on the next line), went out until 2026-12-07 too: a `,` may end the name's line. The value is hidden when the name ends in a secret name, as an
 * attribute key does (`DB_PASSWORD`, `dbPassword`, `GITHUB_TOKEN`); `DB_HOST`'s is kept.
 *
 * Written value first (`{"value":"…","name":"DB_PASSWORD"}`) the same is hidden (scrubValueFirst).
 *
 * Linear: LOCATOR starts only at `name`, `key` or `ParameterKey` (VALUE_FIRST at `value` or
 * `ParameterValue`), and each of its runs is bounded and followed by what it cannot take (no two
 * adjacent runs take the same characters); the value is read once, and the search goes on after it.
 */
export type NamedValueScrubber = (text: string, budget?: SecretBudget) => string;

/**
 * `name: 'X', value: ` and its JSON, YAML (a line's end instead of `,`) and CloudFormation forms;
 * group 3 is the name (nameEnd says where it ends: the `d` flag's indices cost 1 ms for 256 KB of pairs).
 */
const LOCATOR =
  /(?<![A-Za-z0-9_])(["']?)(?:[Nn]ame|[Kk]ey|ParameterKey)\1[ \t]{0,8}[:=][ \t]{0,8}(["']?)([A-Za-z0-9_.-]{1,128})\2[ \t]{0,8}(?:,[ \t]{0,64}(?:\r?\n[ \t]{0,64})?|\r?\n[ \t]{0,64})(["']?)(?:[Vv]alue|ParameterValue)\4[ \t]{0,8}[:=][ \t]{0,8}/g;

/**
 * The reverse order, `value: …` first (`{"value":"…","name":"DB_PASSWORD"}`, YAML's `- value: …` with
 * `name: …` on the next line; 2026-12-07: went out): VALUE_FIRST finds `value:`, the value is read,
 * and NAME_AFTER, tried right after it, finds the name (it ends the match, but for a closing quote).
 */
const VALUE_FIRST = /(?<![A-Za-z0-9_])(["']?)(?:[Vv]alue|ParameterValue)\1[ \t]{0,8}[:=][ \t]{0,8}/g;
const NAME_AFTER =
  /[ \t]{0,8}(?:,[ \t]{0,64}(?:\r?\n[ \t]{0,64})?|\r?\n[ \t]{0,64})(["']?)(?:[Nn]ame|[Kk]ey|ParameterKey)\1[ \t]{0,8}[:=][ \t]{0,8}(["']?)([A-Za-z0-9_.-]{1,128})\2(?![A-Za-z0-9_.-])/y;

/**
 * `alue`: both orders need a `value` name. A regex, not indexOf('alue'): V8 searches a needle
 * shorter than 7 by its first character, and text dense with `a` cost 0.55 ms for 256 KB of ` a/a`
 * (1.4 ms of `a`). The class keeps it from being a plain needle, which V8 searches the same way; the
 * regex engine skips ahead by the needle's length (0.11 and 0.21 ms).
 */
const VALUE_NAME = /al[u]e/g;

/** Where the first `alue` in `text` is, or -1. */
function firstValueName(text: string): number {
  VALUE_NAME.lastIndex = 0;
  return VALUE_NAME.test(text) ? VALUE_NAME.lastIndex - 4 : -1;
}

/**
 * How far a match's `alue` can be from its start, LOCATOR's: a quote, `ParameterKey`, a quote, 8
 * blanks, `:`, 8 blanks, a quote, 128 name characters, a quote, 8 blanks, `,`, 64 blanks, `\r\n` and
 * 64 blanks, a quote, `ParameterV` (311). No match starts further before the first `alue`, so the
 * search starts there: 256 KB with one `value` at its end was read whole, each `name` in it tried (2 ms).
 */
const LOCATOR_REACH = 1 + 12 + 1 + 8 + 1 + 8 + 1 + 128 + 1 + 8 + 131 + 1 + 10;
/** The same for VALUE_FIRST: a quote and `ParameterV`. */
const VALUE_FIRST_REACH = 1 + 10;

const LF = 10;
const CR = 13;

/** Where the name in LOCATOR's match at `at` ends: past the key, its separator, blanks and a quote. */
function nameEnd(text: string, at: number): number {
  let p = at;
  while (text.charCodeAt(p) !== 58 && text.charCodeAt(p) !== 61) p++;
  p++;
  while (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9) p++;
  if (text.charCodeAt(p) === 34 || text.charCodeAt(p) === 39) p++;
  while (p < text.length && isNameChar(text.charCodeAt(p))) p++;
  return p;
}

/** `[A-Za-z0-9_.-]`. */
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 46 || c === 45;
}

/** Where the unquoted value at `from` ends: at a line's end, `,` or `}`. */
function bareEnd(text: string, from: number): number {
  let p = from;
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (c === LF || c === CR || c === 44 || c === 125) break;
    p++;
  }
  while (p > from && (text.charCodeAt(p - 1) === 32 || text.charCodeAt(p - 1) === 9)) p--;
  return p;
}

/** The value readValue read, quotes left out, and where reading it ended (past its closing quote). Module state: a pass never runs inside another. */
let valueFrom = 0;
let valueTo = 0;
let valueEnd = 0;

/** Reads the value at `at`: to its closing quote, to its line's end when it does not close, or as bareEnd says. */
function readValue(text: string, at: number): void {
  const c = text.charCodeAt(at);
  if (c === 34 || c === 39) {
    const close = quoteClose(text, at, text.length, false);
    valueFrom = at + 1;
    // Not closed on its line (a text cut short): the line's rest.
    valueTo = close === -1 ? lineEnd(text, valueFrom) : close;
    valueEnd = close === -1 ? valueTo : close + 1;
  } else {
    valueFrom = at;
    valueTo = valueEnd = bareEnd(text, at);
  }
}

/** The pairs written value first; the names as in the forward order. `first`: where the first `alue` is (-1: none). */
function scrubValueFirst(
  text: string,
  names: SecretSuffixes,
  replacement: string,
  budget: SecretBudget,
  first: number,
): string {
  if (first === -1) return text;
  let out = '';
  let copied = 0;
  VALUE_FIRST.lastIndex = Math.max(0, first - VALUE_FIRST_REACH);
  // `test`, not `exec`: a match array per `value:` cost ~1 ms for 256 KB of `value: a, `.
  while (VALUE_FIRST.test(text)) {
    readValue(text, VALUE_FIRST.lastIndex);
    // The value is read once: the search goes on after it, pair or not.
    VALUE_FIRST.lastIndex = Math.max(valueEnd, VALUE_FIRST.lastIndex);
    NAME_AFTER.lastIndex = valueEnd;
    if (valueTo <= valueFrom || !NAME_AFTER.test(text) || isScrubbed(text, valueFrom, valueTo, replacement))
      continue;
    // The name ends NAME_AFTER's match, but for its closing quote; no name character comes before it.
    const end = NAME_AFTER.lastIndex;
    const nameTo = end - (text.charCodeAt(end - 1) === 34 || text.charCodeAt(end - 1) === 39 ? 1 : 0);
    let nameFrom = nameTo;
    while (isNameChar(text.charCodeAt(nameFrom - 1))) nameFrom--;
    if (!endsInSecretName(text, nameFrom, nameTo, names, true)) continue;
    out += text.slice(copied, valueFrom) + replacement;
    copied = valueTo;
    // Past the budget (budget.ts), this value runs to the end of the text.
    if (!takeSecret(budget)) return out;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

export function createNamedValueScrubber(replacement: string, names: SecretSuffixes): NamedValueScrubber {
  return (text, budget = secretBudget()) => {
    const first = firstValueName(text);
    if (first === -1) return text;
    let out = '';
    let copied = 0;
    LOCATOR.lastIndex = Math.max(0, first - LOCATOR_REACH);
    for (let m = LOCATOR.exec(text); m !== null; m = LOCATOR.exec(text)) {
      const nameTo = nameEnd(text, m.index);
      if (!endsInSecretName(text, nameTo - m[3]!.length, nameTo, names, true)) continue;
      readValue(text, LOCATOR.lastIndex);
      const from = valueFrom;
      const to = valueTo;
      if (to <= from || isScrubbed(text, from, to, replacement)) continue;
      out += text.slice(copied, from) + replacement;
      copied = to;
      LOCATOR.lastIndex = to;
      // Past the budget (budget.ts), this value runs to the end of the text.
      if (!takeSecret(budget)) return out;
    }
    if (copied === 0) return scrubValueFirst(text, names, replacement, budget, first);
    const scrubbed = out + text.slice(copied);
    return scrubValueFirst(scrubbed, names, replacement, budget, firstValueName(scrubbed));
  };
}
