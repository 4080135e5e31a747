import { type SecretBudget, secretBudget, takeSecret } from './budget.js';

/**
 * The value of a cookie written as a `Set-Cookie` header is, without its header name: a logged
 * `res.getHeader('set-cookie')`, an HTTP client's error dump: `sid=s%3Aabc; Path=/; HttpOnly`. The
 * `name=value` rules (inline.ts) know `Set-Cookie: …` but not a cookie name (`sid`, `connect.sid`,
 * `JSESSIONID`), so the session went out whole. A `name=value` right before `; Path`, `; HttpOnly`
 * (any cookie attribute) is a cookie, whatever its name: its value is replaced.
 *
 * One pass: each `;` is looked at once, and the run read back from it (cookie characters: no
 * space, `"`, `,`, `;` or `\`, RFC 6265) ends at the `;` before it, so no character is read twice.
 */
export type SetCookieScrubber = (text: string, budget?: SecretBudget) => string;

const ATTRIBUTES = [
  'path',
  'domain',
  'expires',
  'max-age',
  'samesite',
  'secure',
  'httponly',
  'partitioned',
  'priority',
];
const LONGEST_ATTRIBUTE = Math.max(...ATTRIBUTES.map((a) => a.length));

/** RFC 6265 cookie-octet, and `=`'s neighbours in a name: what a `name=value` run is made of. */
function isCookieChar(c: number): boolean {
  return c > 32 && c < 127 && c !== 34 && c !== 44 && c !== 59 && c !== 92;
}

/**
 * Whether a cookie attribute name is at `at`, ending at `=`, `;`, a space or the end. Written as
 * servers write them (`Path`, `path`, `HttpOnly`), not in capitals: `FOO=1; PATH=/bin` in a shell
 * line is no cookie. Compared in place: text of many `;` must not cost a string per `;`.
 */
function attributeAt(text: string, at: number): boolean {
  let end = at;
  let lower = false;
  while (end < text.length && end - at <= LONGEST_ATTRIBUTE) {
    const c = text.charCodeAt(end);
    if (c === 61 || c === 59 || c === 32 || c === 9 || c === 13 || c === 10) break;
    if (c >= 97 && c <= 122) lower = true;
    end++;
  }
  if (!lower) return false;
  for (const name of ATTRIBUTES) {
    if (name.length !== end - at) continue;
    let same = true;
    for (let i = 0; same && i < name.length; i++)
      same = (text.charCodeAt(at + i) | 0x20) === name.charCodeAt(i);
    if (same) return true;
  }
  return false;
}

// `; Path` and the like, found by the regex engine: a loop of indexOf per `;` cost ~10 ns a `;`
// (256 KB of `;` took 2.5 ms), and reading each `;` in place 2 ms more for 256 KB of `;=`. Linear:
// after `;` and spaces, a literal name and one character.
const ATTRIBUTE = new RegExp(`; *(?:${ATTRIBUTES.join('|')})(?=[=; \\t\\r\\n]|$)`, 'gi');

/** `eq` passed: where the next `=` is is not known. */
const STALE = -2;

export function createSetCookieScrubber(replacement: string): SetCookieScrubber {
  return (text, budget = secretBudget()) => {
    if (text.indexOf(';') === -1) return text;
    // The first `=` after a `;` at or before this run's start, or STALE once passed, looked for
    // again after a run without one: a run holds none when it is past this `;` (256 KB of
    // `; HttpOnly` read every run back, 3.6 ms), and once there is none left no value is.
    let eq = text.indexOf('=');
    if (eq === -1) return text;
    let out = '';
    let copied = 0;
    // Where the last attribute matched starts.
    let attribute = -1;
    ATTRIBUTE.lastIndex = 0;
    // test(), not exec(): no match array per `;` (256 KB of `; Path=/`: 32k of them). The match
    // ends at its name, and neither the name nor the spaces before it hold a `;`.
    while (ATTRIBUTE.test(text)) {
      let semi = ATTRIBUTE.lastIndex - 1;
      while (text.charCodeAt(semi) !== 59) semi--;
      // The run read back below starts after the last `;` matched (no cookie character).
      if (eq !== STALE) {
        if (eq >= semi) continue;
        eq = STALE;
      }
      let next = semi + 1;
      while (text.charCodeAt(next) === 32) next++;
      if (!attributeAt(text, next)) continue;
      const previous = attribute;
      attribute = next;
      // The `name=value` run before the `;`; the name ends at its first `=`.
      let run = semi;
      while (run > copied && isCookieChar(text.charCodeAt(run - 1))) run--;
      let equals = run;
      while (equals < semi && text.charCodeAt(equals) !== 61) equals++;
      if (equals === semi) {
        eq = text.indexOf('=', semi);
        if (eq === -1) break;
        continue;
      }
      // A run that starts at the attribute matched after the last `;` is that attribute (`; Path=/;`).
      if (equals === run || equals >= semi - 1 || run === previous || attributeAt(text, run)) continue;
      const value = equals + 1;
      if (semi - value === 8 && text.startsWith('REDACTED', value)) continue;
      if (semi - value === replacement.length && text.startsWith(replacement, value)) continue;
      out += text.slice(copied, value) + replacement;
      if (!takeSecret(budget)) return out;
      copied = semi;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
