import { type SecretBudget, secretBudget, takeSecret } from './budget.js';

/**
 * PostgreSQL quotes the offending value in some error messages, and the pg instrumentation records
 * them as the exception message and the span status: `invalid input syntax for type integer:
 * "s3cr3t"` (a password typed into the wrong field), `invalid input value for enum role: "…"`,
 * `value "4111111111111111" is out of range for type integer`, and, in an error's `detail` that an
 * app puts in a message or a log line, `Key (email)=(alice@example.com) already exists.` and
 * `Failing row contains (42, alice@example.com, s3cr3t).` The value is replaced and the message
 * keeps its shape (`Key (email)=([REDACTED]) already exists.`); names of types, columns and
 * constraints stay, they are what the message is read for.
 *
 * Linear: the starts are literals (each bounded quantifier reads at most 256 characters); a quoted
 * value runs to the line's last `"`, a `Key (…)=(…)` value to the first `) already exists` (or its
 * like) or else the line's last `)`, and the search goes on past it. The line end, its last quote
 * and its last `)` are found once per line, the next `)=(` once until passed.
 */
export type PgErrorScrubber = (text: string, budget?: SecretBudget) => string;

const QUOTED =
  'invalid input (?:syntax|value) for (?:type|enum) [^:\\n"]{1,256}: (")|malformed (?:array|record|range|multirange) literal: (")|field value out of range: (")|value (")(?=[^"\\n]{0,256}" is out of range for type )';
const START = new RegExp(`\\b(?:${QUOTED}|([Kk]ey \\()|(Failing row contains \\())`, 'g');
/**
 * START without `Key (`, once no `)=(` is left to read (group 5 then never matches): 256 KB of `Key (`
 * was 52k matches that each found nothing (3 ms). Not run at all when none of its starts is left.
 */
const START_NO_KEY = new RegExp(`\\b(?:${QUOTED}|(?!)()|(Failing row contains \\())`, 'g');
const KEY_END = /\) (?:already exists|is not present|is still referenced|conflicts with)/g;

export function createPgErrorScrubber(replacement: string): PgErrorScrubber {
  return (text, budget = secretBudget()) => {
    if (text.indexOf('"') === -1 && text.indexOf('(') === -1) return text;
    let out = '';
    let copied = 0;
    let lineEnd = -1;
    // The next `)=(`, `)` and Key suffix, each found once and reused until passed (-2: not yet).
    let eqParen = -2;
    let paren = -2;
    let keyEnd = -2;
    const next = (found: number, from: number, find: () => number): number =>
      found !== -1 && found < from ? find() : found;
    /** The last `)` of the line, or -1; bounded by the next `)`, so only this line is read. */
    const lastParenOfLine = (from: number): number => {
      paren = next(paren, from, () => text.indexOf(')', from));
      return paren === -1 || paren >= lineEnd ? -1 : text.lastIndexOf(')', lineEnd - 1);
    };
    let start = START;
    start.lastIndex = 0;
    for (let m = start.exec(text); m !== null; m = start.exec(text)) {
      const end = m.index + m[0].length;
      if (m.index >= lineEnd) {
        lineEnd = text.indexOf('\n', m.index);
        if (lineEnd === -1) lineEnd = text.length;
      }
      let valueStart = end;
      let valueEnd: number;
      if (m[5] !== undefined) {
        eqParen = next(eqParen, end, () => text.indexOf(')=(', end));
        if (eqParen === -1) {
          // START_NO_KEY's starts all hold a `"` or are `Failing row contains (`: with neither left,
          // nothing more can match (a regex scan of 256 KB of `Key (` for nothing cost 0.8 ms on
          // Node 20, 2.5 under vitest on Node 26).
          const rest = start.lastIndex;
          if (text.indexOf('"', rest) === -1 && text.indexOf('Failing row contains (', rest) === -1) break;
          START_NO_KEY.lastIndex = rest;
          start = START_NO_KEY;
        }
        if (eqParen === -1 || eqParen >= lineEnd) continue;
        valueStart = eqParen + 3;
        keyEnd = next(keyEnd, valueStart, () => {
          KEY_END.lastIndex = valueStart;
          return KEY_END.exec(text)?.index ?? -1;
        });
        valueEnd = keyEnd !== -1 && keyEnd < lineEnd ? keyEnd : lastParenOfLine(valueStart);
      } else if (m[6] !== undefined) valueEnd = lastParenOfLine(end);
      // Within the 256 characters the lookahead read.
      else if (m[4] !== undefined) valueEnd = text.indexOf('"', end);
      // The opening quote is on this line, so this reads the line only.
      else valueEnd = text.lastIndexOf('"', lineEnd - 1);
      if (valueEnd < valueStart) valueEnd = lineEnd;
      if (valueEnd > valueStart) {
        out += text.slice(copied, valueStart) + replacement;
        copied = valueEnd;
        // Past the budget (budget.ts), the rest of the text goes.
        if (!takeSecret(budget)) return out;
      }
      start.lastIndex = Math.max(valueEnd, end);
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
