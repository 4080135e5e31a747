import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { DEFAULT_SECRET_KEYS, WEBHOOK_SIGNATURE_HEADERS } from './defaults.js';
import { escapeRegex } from './inline-locator.js';

/**
 * Node's `req.rawHeaders` (and undici's headers) are a flat list, name then value:
 * `["Host","h","X-Api-Key","k3y","Cookie","sid=abc"]`, or `[ 'x-api-key', 'k3y' ]` as util.inspect
 * prints it. Logged or kept as an attribute, the secret headers' values went out: a name and its
 * value are separated by `,`, which no `name=value` rule reads, and an array attribute's elements
 * were scrubbed one by one, each without its name. Here a secret header's name, quoted, then `,`
 * and a quoted value, has the value replaced; in an array, the element after such a name at an
 * even index.
 */
const HEADER_NAMES: readonly string[] = DEFAULT_SECRET_KEYS.filter(
  (n) => /authorization|cookie|^x-|^api-?key$/.test(n) || WEBHOOK_SIGNATURE_HEADERS.includes(n),
);
const NAMES = new Set(HEADER_NAMES);
const LONGEST = Math.max(...HEADER_NAMES.map((n) => n.length));
// A quoted name, `,` and the opening quote of the value. Linear: the names are literal.
const PAIR = new RegExp(`(["'])(?:${HEADER_NAMES.map(escapeRegex).join('|')})\\1\\s*,\\s*(["'])`, 'gi');

/** Whether an array element is a secret header's name (`X-Api-Key`, `cookie`). */
export function isSecretHeaderName(name: string): boolean {
  return name.length <= LONGEST && NAMES.has(name.toLowerCase());
}

/** End of the value quoted by `quote` from `from` (at its closing quote), or -1. */
function closing(text: string, from: number, quote: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return i;
    if (c === 92) i++;
    else if (c === 10 || c === 13) return -1;
  }
  return -1;
}

export function createRawHeaderScrubber(
  replacement: string,
): (text: string, budget?: SecretBudget) => string {
  return (text, budget = secretBudget()) => {
    if (text.indexOf(',') === -1) return text;
    let out = '';
    let copied = 0;
    PAIR.lastIndex = 0;
    for (let m = PAIR.exec(text); m !== null; m = PAIR.exec(text)) {
      const from = PAIR.lastIndex;
      const end = closing(text, from, m[2]!.charCodeAt(0));
      if (end === -1) continue;
      const value = text.slice(from, end);
      if (value !== '' && value !== 'REDACTED' && value !== replacement) {
        out += text.slice(copied, from) + replacement;
        copied = end;
        // Past the budget (budget.ts), the rest of the text goes.
        if (!takeSecret(budget)) return out;
      }
      PAIR.lastIndex = end + 1;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
