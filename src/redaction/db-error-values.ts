import { type SecretBudget, secretBudget, takeSecret } from './budget.js';

/**
 * MySQL and MongoDB quote the offending value in their commonest errors, which the mysql2 and
 * mongodb instrumentations record as the exception and status message, as pg-errors.ts does for
 * PostgreSQL: `Duplicate entry 'alice@example.com' for key 'users.email'`, `Incorrect integer value:
 * 's3cr3t' for column 'age' at row 1`, `E11000 duplicate key error collection: app.users index:
 * email_1 dup key: { email: "alice@example.com" }`. The value is replaced, the message kept
 * (`Duplicate entry '[REDACTED]' for key 'users.email'`, `dup key: { [REDACTED] }`).
 *
 * Linear: each start is a literal; its value ends at the next `' for key`, `' for column` or ` }`
 * found once and reused until passed, and only when that end is on the same line.
 */
export type DbErrorValueScrubber = (text: string, budget?: SecretBudget) => string;

const START =
  /\b(?:Duplicate entry '|Incorrect (?:integer|decimal|double|float|date|datetime|time|string) value: '|dup key: \{ )/g;

export function createDbErrorValueScrubber(replacement: string): DbErrorValueScrubber {
  return (text, budget = secretBudget()) => {
    if (text.indexOf("'") === -1 && text.indexOf('{') === -1) return text;
    const ends = { key: -2, column: -2, brace: -2, line: -2 };
    let out = '';
    let copied = 0;
    START.lastIndex = 0;
    for (let m = START.exec(text); m !== null; m = START.exec(text)) {
      const from = m.index + m[0].length;
      const kind: keyof typeof ends = m[0].startsWith('Dup')
        ? 'key'
        : m[0].startsWith('dup')
          ? 'brace'
          : 'column';
      const marker = kind === 'key' ? "' for key" : kind === 'column' ? "' for column" : ' }';
      if (ends[kind] !== -1 && ends[kind] < from) ends[kind] = text.indexOf(marker, from);
      if (ends.line !== -1 && ends.line < from) ends.line = text.indexOf('\n', from);
      const end = ends[kind];
      if (end === -1 || (ends.line !== -1 && end > ends.line) || end === from) continue;
      out += text.slice(copied, from) + replacement;
      copied = end;
      // Past the budget (budget.ts), the rest of the text goes.
      if (!takeSecret(budget)) return out;
      START.lastIndex = end;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
