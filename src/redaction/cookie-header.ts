import { type SecretBudget, takeSecret } from './budget.js';

/**
 * The value of an attribute whose key says it holds cookies (`cookies`, `request.cookie_string`,
 * `session_cookie_raw`; the exact `cookie` and `set-cookie` keys are secret whole, redactor.ts) is
 * a `Cookie` header, `sid=abc123; theme=dark`, or cookies in another form. Nothing scrubbed it: the
 * Set-Cookie rule (set-cookie.ts) wants an attribute after the pair (`; Path=/`), and the
 * `name=value` rules a secret name. As a header, every value is replaced and the names are kept
 * (`sid=[REDACTED]; theme=[REDACTED]`); in any other form (JSON, one bare token) the whole value is.
 *
 * One pass, each character read once: a pair is a cookie name (RFC 6265 token characters) and `=`,
 * the value runs to the next `;`.
 */
export function scrubCookieHeader(value: string, replacement: string, budget: SecretBudget): string {
  let out = '';
  let pair = 0;
  const n = value.length;
  while (pair < n) {
    while (pair < n && value.charCodeAt(pair) === 32) out += value[pair++];
    let eq = pair;
    while (eq < n && isTokenChar(value.charCodeAt(eq))) eq++;
    if (eq === pair || eq >= n || value.charCodeAt(eq) !== 61) return replacement;
    let end = value.indexOf(';', eq);
    if (end === -1) end = n;
    out += `${value.slice(pair, eq + 1)}${replacement}`;
    // Past the budget (budget.ts), the rest of the value goes.
    if (!takeSecret(budget)) return out;
    pair = end + 1;
    if (pair < n) out += ';';
  }
  return out === '' ? replacement : out;
}

/** RFC 7230 tchar, what a cookie name is made of: letters, digits and ``!#$%&'*+-.^_`|~``. */
const TOKEN = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
  TOKEN[c.charCodeAt(0)] = 1;

function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}
