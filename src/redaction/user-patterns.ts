/**
 * Bounds for regexes given in `redaction.patterns` and `redaction.keys`. A JavaScript regex is run
 * by a backtracking engine: a pattern as plain as `/\w+@/` costs one scan of the rest of a word per
 * start position (quadratic), and nested or ambiguous repetition costs exponential time. The built-in
 * patterns are written to be linear (defaults.ts); a user pattern cannot be proven so, hence:
 * - every user value pattern runs over windows of at most {@link WINDOW} characters, so its cost
 *   grows linearly with the text whatever its shape;
 * - a pattern that could backtrack exponentially is not run at all, and config time says so.
 */

import { type SecretBudget, secretBudget, takeSecret } from './budget.js';

export { backtrackRisk } from '../util/regex-risk.js';

/** Characters a user pattern sees at once; windows overlap by half, so matches up to half this long are always found whole. */
export const WINDOW = 512;
const STEP = WINDOW / 2;
/** Attribute keys longer than this are matched against `keys` regexes by their first this-many characters. */
export const KEY_PREFIX = 256;

/**
 * Replaces the matches of a global `regex` in `text`, running it over overlapping windows of
 * {@link WINDOW} characters so that its cost is linear in the length of the text. A match found in
 * a window counts when it starts in that window's first half (or in the last window), so each
 * match is taken once; overlapping matches from neighbouring windows are merged.
 */
export function replaceWindowed(
  text: string,
  regex: RegExp,
  replacement: string,
  budget: SecretBudget = secretBudget(),
): string {
  if (text.length <= WINDOW) {
    regex.lastIndex = 0;
    return text.replace(regex, () => replacement);
  }
  const ranges: [number, number][] = [];
  for (let from = 0; from < text.length; from += STEP) {
    const window = text.slice(from, from + WINDOW);
    const last = from + WINDOW >= text.length;
    regex.lastIndex = 0;
    for (let m = regex.exec(window); m !== null; m = regex.exec(window)) {
      if (m[0].length === 0) {
        regex.lastIndex++;
        continue;
      }
      if (!last && m.index >= STEP) break;
      const start = from + m.index;
      const end = start + m[0].length;
      const prev = ranges[ranges.length - 1];
      if (prev && start <= prev[1]) prev[1] = Math.max(prev[1], end);
      else ranges.push([start, end]);
    }
    if (last) break;
  }
  if (ranges.length === 0) return text;
  let out = '';
  let copied = 0;
  for (const [start, end] of ranges) {
    out += text.slice(copied, start) + replacement;
    // Past the budget (budget.ts), this match runs to the end of the text.
    if (!takeSecret(budget)) return out;
    copied = end;
  }
  return out + text.slice(copied);
}
