import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { decodable, endsInSecretName, isSecretParam, secretNamesOf } from './param-names.js';
import { QUERY_SECRET_SUFFIXES } from './url.js';

/**
 * `p%61ssword=hunter2` / `pass%77ord=…` in free text: a form body, a request target without a
 * scheme (`/login?p%61ssword=…`) or a logged query. A URL with a scheme is scrubbed whole
 * (url.ts, which decodes names), but the `name=value` rules of free text (inline.ts) read names as
 * written, so a percent-escaped letter took the name past them. Here a name with an escape in it,
 * right before `=`, is decoded and judged as a query parameter's name is; its value, up to the
 * next `&`, space, quote, `<`, `>`, `#`, `;` or `,`, is replaced.
 *
 * One pass: each `%` found with indexOf, its name run read back to the end of the run before and
 * forward to its end, and the search goes on past it, so no character is read more than twice. A
 * name is decoded only when it is at most {@link MAX_NAME} characters and holds an escape.
 */
export type EncodedNameScrubber = (text: string, budget?: SecretBudget) => string;

const MAX_NAME = 256;

/** What a query parameter's name is written with: letters, digits, `%`, `+`, `.`, `_`, `-`, `~`. */
function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 37 ||
    c === 43 ||
    c === 46 ||
    c === 95 ||
    c === 45 ||
    c === 126
  );
}

/** Not `&`, white space, `"`, `'`, `<`, `>`, `#`, `;`, `,`. */
function isValueChar(c: number): boolean {
  return (
    c > 32 && c !== 38 && c !== 34 && c !== 39 && c !== 60 && c !== 62 && c !== 35 && c !== 59 && c !== 44
  );
}

export function createEncodedNameScrubber(
  params: ReadonlySet<string>,
  replacement: string,
): EncodedNameScrubber {
  const names = secretNamesOf(params);

  function secretName(text: string, from: number, to: number): boolean {
    if (isSecretParam(text, from, to, params, names)) return true;
    if (!decodable(text, from, to)) return false;
    const decoded = decodeURIComponent(text.slice(from, to).replace(/\+/g, ' '));
    return endsInSecretName(decoded, 0, decoded.length, QUERY_SECRET_SUFFIXES);
  }

  return (text, budget = secretBudget()) => {
    let pct = text.indexOf('%');
    if (pct === -1) return text;
    const n = text.length;
    let out = '';
    let copied = 0;
    let scanned = 0;
    while (pct !== -1) {
      let start = pct;
      while (start > scanned && isNameChar(text.charCodeAt(start - 1))) start--;
      let end = pct + 1;
      while (end < n && isNameChar(text.charCodeAt(end))) end++;
      scanned = end;
      if (end < n && text.charCodeAt(end) === 61 && end - start <= MAX_NAME && secretName(text, start, end)) {
        let valueEnd = end + 1;
        while (valueEnd < n && isValueChar(text.charCodeAt(valueEnd))) valueEnd++;
        const value = text.slice(end + 1, valueEnd);
        if (value !== '' && value !== 'REDACTED' && value !== replacement) {
          out += text.slice(copied, end + 1) + replacement;
          // Past the budget (budget.ts), this value runs to the end of the text.
          if (!takeSecret(budget)) return out;
          copied = valueEnd;
        }
        scanned = valueEnd;
      }
      pct = text.indexOf('%', scanned);
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
