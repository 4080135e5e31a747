import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isScrubbed } from './chars.js';

/**
 * kubectl's (and OpenShift's `oc`) `create secret … --from-literal=NAME=VALUE`: every value is a
 * secret, whatever its name, so `--from-literal=key=…`, `=credentials=…`, `=tls.key=…` went out
 * (only a secret-named one, `password=…`, was hidden; until 2026-12-07). The name is kept, the value
 * hidden: unquoted to a blank, quoted (`--from-literal=k='a b'`, or the whole argument,
 * `"--from-literal=k=a b"`) to its quote on the line. A ConfigMap's values are no secrets: after
 * `create configmap` or `create cm` on the same line, they are kept.
 *
 * Linear: each `--from-literal=` is found with indexOf and the search goes on after its value, read
 * once; `create configmap` and `create cm` are searched for forward only, and a line's start is read back only to
 * the flag before.
 */
export type FromLiteralScrubber = (text: string, budget?: SecretBudget) => string;

const FLAG = '--from-literal=';
/** A key longer than this is no Secret's key (Kubernetes allows 253 characters). */
const MAX_NAME = 253;

/** Whether `text[at, at + word.length)` is `word` as a word: no letter, digit, `-` or `_` either side. */
function isWordAt(text: string, at: number, length: number): boolean {
  const before = at === 0 ? 32 : text.charCodeAt(at - 1);
  const after = at + length >= text.length ? 32 : text.charCodeAt(at + length);
  return !isWordChar(before) && !isWordChar(after);
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45 || c === 95;
}

/** What creates a ConfigMap; `cm` alone may be a secret's name (`create secret generic cm …`). */
const CONFIG_MAP_WORDS = ['create configmap', 'create cm'];

/** The last of CONFIG_MAP_WORDS before positions that only grow, searched forward. */
class ConfigMapWords {
  private next = [-2, -2];
  last = -1;
  constructor(private readonly text: string) {}
  before(p: number): number {
    const words = CONFIG_MAP_WORDS;
    for (let i = 0; i < 2; i++) {
      let at = this.next[i]!;
      if (at === -2) at = this.text.indexOf(words[i]!);
      while (at !== -1 && at < p) {
        if (isWordAt(this.text, at, words[i]!.length) && at > this.last) this.last = at;
        at = this.text.indexOf(words[i]!, at + 1);
      }
      this.next[i] = at;
    }
    return this.last;
  }
}

/** Where a line starts between `floor` and `p` (after its `\n` or `\r`), or -1 when none does. */
function lineStartAfter(text: string, floor: number, p: number): number {
  for (let s = p; s > floor; s--) {
    const c = text.charCodeAt(s - 1);
    if (c === 10 || c === 13) return s;
  }
  return -1;
}

/** Where a value at `from` ends: at `quote` (-1: at a blank), or at its line's end. */
function valueEnd(text: string, from: number, quote: number): number {
  let p = from;
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13 || (quote === -1 ? c <= 32 : c === quote)) break;
    p++;
  }
  return p;
}

export function createFromLiteralScrubber(replacement: string): FromLiteralScrubber {
  return (text, budget = secretBudget()) => {
    let flag = text.indexOf(FLAG);
    if (flag === -1) return text;
    let out = '';
    let copied = 0;
    const configMaps = new ConfigMapWords(text);
    // Each line's start is read back once: from a flag to the one before it at most.
    let lineFrom = 0;
    let scanned = 0;
    while (flag !== -1) {
      const start = lineStartAfter(text, scanned, flag);
      if (start !== -1) lineFrom = start;
      scanned = flag;
      const name = flag + FLAG.length;
      // The argument itself quoted (`"--from-literal=k=v w"`): the value runs to that quote.
      const opener = flag > 0 ? text.charCodeAt(flag - 1) : -1;
      const wholeQuote = opener === 34 || opener === 39 ? opener : -1;
      let eq = name;
      while (eq < text.length && eq - name <= MAX_NAME) {
        const c = text.charCodeAt(eq);
        if (c === 61 || c <= 32 || c === wholeQuote) break;
        eq++;
      }
      let next = eq;
      if (text.charCodeAt(eq) === 61 && eq > name && configMaps.before(flag) < lineFrom) {
        const q = text.charCodeAt(eq + 1);
        const ownQuote = wholeQuote === -1 && (q === 34 || q === 39);
        const valueFrom = ownQuote ? eq + 2 : eq + 1;
        const to = valueEnd(text, valueFrom, ownQuote ? q : wholeQuote);
        next = to;
        if (to > valueFrom && !isScrubbed(text, valueFrom, to, replacement)) {
          out += text.slice(copied, valueFrom) + replacement;
          copied = to;
          // Past the budget (budget.ts), this value runs to the end of the text.
          if (!takeSecret(budget)) return out;
        }
      }
      flag = text.indexOf(FLAG, Math.max(next, flag + 1));
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
