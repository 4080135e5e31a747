import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isScrubbed } from './chars.js';
import { INLINE_GLUED_NAMES, INLINE_SECRET_NAMES } from './defaults.js';
import { endsInSecretName, secretSuffixes } from './param-names.js';
import { quoteClose } from './quotes.js';

/**
 * A secret set as a name and a value side by side, in free text: Kubernetes' and ECS's environment
 * entries (`{"name":"DB_PASSWORD","value":"…"}`, util.inspect's `{ name: 'API_TOKEN', value: '…' }`,
 * YAML's `- name: DB_PASSWORD` with `value: …` on the next line), CloudFormation's parameters
 * (`"ParameterKey":"DbPassword","ParameterValue":"…"`). The secret name is a value, not a key, so
 * the `name=value` rule (inline.ts) never saw it and the value went out (until 2026-12-07); the same
 * shape in XML is xml-attributes.ts's. The value is hidden when the name ends in a secret name, as an
 * attribute key does (`DB_PASSWORD`, `dbPassword`, `GITHUB_TOKEN`); `DB_HOST`'s is kept.
 *
 * Linear: LOCATOR starts only at `name`, `key` or `ParameterKey`, and each of its runs is bounded
 * and followed by what it cannot take (no two adjacent runs take the same characters); the value is
 * read once, and the search goes on after it.
 */
export type NamedValueScrubber = (text: string, budget?: SecretBudget) => string;

/**
 * `name: 'X', value: ` and its JSON, YAML (a line's end instead of `,`) and CloudFormation forms;
 * group 3 is the name (nameEnd says where it ends: the `d` flag's indices cost 1 ms for 256 KB of pairs).
 */
const LOCATOR =
  /(?<![A-Za-z0-9_])(["']?)(?:[Nn]ame|[Kk]ey|ParameterKey)\1[ \t]{0,8}[:=][ \t]{0,8}(["']?)([A-Za-z0-9_.-]{1,128})\2[ \t]{0,8}(?:,[ \t]{0,64}|\r?\n[ \t]{0,64})(["']?)(?:[Vv]alue|ParameterValue)\4[ \t]{0,8}[:=][ \t]{0,8}/g;

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

/** Where the line that holds `from` ends. */
function lineEnd(text: string, from: number): number {
  let p = from;
  while (p < text.length && text.charCodeAt(p) !== LF && text.charCodeAt(p) !== CR) p++;
  return p;
}

export function createNamedValueScrubber(
  replacement: string,
  userNames: readonly string[],
): NamedValueScrubber {
  const literal = userNames.filter((n) => /^[\w.-]+$/.test(n));
  const names = secretSuffixes([...INLINE_SECRET_NAMES, ...literal], INLINE_GLUED_NAMES);
  return (text, budget = secretBudget()) => {
    if (text.indexOf('alue') === -1) return text;
    let out = '';
    let copied = 0;
    LOCATOR.lastIndex = 0;
    for (let m = LOCATOR.exec(text); m !== null; m = LOCATOR.exec(text)) {
      const nameTo = nameEnd(text, m.index);
      if (!endsInSecretName(text, nameTo - m[3]!.length, nameTo, names, true)) continue;
      let from = LOCATOR.lastIndex;
      let to: number;
      const c = text.charCodeAt(from);
      if (c === 34 || c === 39) {
        const close = quoteClose(text, from, text.length, false);
        from++;
        // Not closed on its line (a text cut short): the line's rest.
        to = close === -1 ? lineEnd(text, from) : close;
      } else to = bareEnd(text, from);
      if (to <= from || isScrubbed(text, from, to, replacement)) continue;
      out += text.slice(copied, from) + replacement;
      copied = to;
      LOCATOR.lastIndex = to;
      // Past the budget (budget.ts), this value runs to the end of the text.
      if (!takeSecret(budget)) return out;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
