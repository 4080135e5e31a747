import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isScrubbed, lineEnd } from './chars.js';
import { isFieldNameItem } from './field-name-items.js';
import { endsInSecretName, type SecretSuffixes } from './param-names.js';

/**
 * A secret as a pair of two quoted items, name then value: Python's tuples (`('password', 'hunter2')`,
 * a list of them, `[("token", "abc"), ("user", "bob")]`, as `dict.items()`, urllib's `urlencode`
 * input and `requests`' `data=[…]` print them) and JavaScript's entries (`[ [ 'password', 'hunter2' ]
 * ]`, util.inspect's `Object.entries()`, `new Map([['token', 'abc']])`). No `=` or `:` joins the name to
 * its value, so the `name=value` rules (inline.ts) never saw it (until 2026-12-07). A pair is exactly
 * two items: `(` then a quoted name that ends in a secret name (as an attribute key does), `,`, a
 * quoted value and `)`; in brackets, only inside a list or a call (`[[`, `, [`, `([`), since a
 * top-level `['password', 'email']` is a list of field names. A 2-tuple of field names
 * (`('password', 'email')`) keeps its second item when that is one of a closed list of a form's
 * field names, whole (field-name-items.ts); any other is hidden, `('password', 'name')` too: hiding
 * a word is the safer mistake. A value that does not close on its line (a text cut short) is hidden
 * to the line's end; `('password', None)` is kept.
 *
 * Linear: LOCATOR's runs are bounded and each followed by what it cannot take; the value is read once
 * (to its close on its line), and the search goes on after it.
 */
export type PairTupleScrubber = (text: string, budget?: SecretBudget) => string;

/** `(` or `[`, a quoted name, `,`, and the value's opening quote next. */
const LOCATOR = /[([][ \t]{0,8}(["'])([A-Za-z0-9_.-]{1,128})\1[ \t]{0,8},[ \t]{0,8}(?=["'])/g;
const MAX_BLANKS = 8;

/** Whether the `[` at `open` is inside a list or a call: after `[`, `,` or `(`, blanks between. */
function nested(text: string, open: number): boolean {
  let p = open;
  while (p > 0 && open - p < MAX_BLANKS && (text.charCodeAt(p - 1) === 32 || text.charCodeAt(p - 1) === 9))
    p--;
  const c = text.charCodeAt(p - 1);
  return c === 91 || c === 44 || c === 40;
}

/** `[A-Za-z0-9_.-]`: LOCATOR's name characters. */
function isNameChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 46 || c === 45;
}

/** Where the spaces and tabs that end at `at` start. */
function skipBlanksBack(text: string, at: number): number {
  let p = at;
  while (p > 0 && (text.charCodeAt(p - 1) === 32 || text.charCodeAt(p - 1) === 9)) p--;
  return p;
}

/** Whether `close` (`)` or `]`) follows `at`, blanks between. */
function closedBy(text: string, at: number, close: number): boolean {
  let p = at;
  while (p - at < MAX_BLANKS && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  return text.charCodeAt(p) === close;
}

/**
 * Where the item quoted at `open` closes on its line, or -1. A backslash escapes the next character
 * in both quotes, as in Python and JavaScript: util.inspect writes `'it\'s'` for a string holding
 * all three quotes, and quoteClose (a shell's `'…'`) ended that item at `\'`, so it was no pair and
 * went out (until 2026-12-07).
 */
function itemClose(text: string, open: number): number {
  const quote = text.charCodeAt(open);
  for (let p = open + 1; p < text.length; p++) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) return -1;
    if (c === quote) return p;
    if (c === 92) p++;
  }
  return -1;
}

export function createPairTupleScrubber(replacement: string, names: SecretSuffixes): PairTupleScrubber {
  return (text, budget = secretBudget()) => {
    if (text.indexOf(',') === -1) return text;
    let out = '';
    let copied = 0;
    LOCATOR.lastIndex = 0;
    // `test`, not `exec`: where the name and the opener are is read back from the match's end
    // (blanks, `,`, blanks, a quote, the name, a quote, blanks, the opener), no match array made.
    while (LOCATOR.test(text)) {
      const open = LOCATOR.lastIndex;
      const nameTo = skipBlanksBack(text, skipBlanksBack(text, open) - 1) - 1;
      let nameFrom = nameTo;
      while (isNameChar(text.charCodeAt(nameFrom - 1))) nameFrom--;
      const opener = skipBlanksBack(text, nameFrom - 1) - 1;
      const bracket = text.charCodeAt(opener) === 91;
      if (bracket && !nested(text, opener)) continue;
      if (!endsInSecretName(text, nameFrom, nameTo, names, true)) continue;
      const close = itemClose(text, open);
      const to = close === -1 ? lineEnd(text, open + 1) : close;
      LOCATOR.lastIndex = close === -1 ? to : close + 1;
      if (close !== -1 && !closedBy(text, close + 1, bracket ? 93 : 41)) continue;
      if (to <= open + 1 || isScrubbed(text, open + 1, to, replacement)) continue;
      // Closed, and closing the pair (above): `('password', 'email')` names two fields.
      if (close !== -1 && isFieldNameItem(text, open + 1, close)) continue;
      out += text.slice(copied, open + 1) + replacement;
      copied = to;
      // Past the budget (budget.ts), this value runs to the end of the text.
      if (!takeSecret(budget)) return out;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
