import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { INLINE_GLUED_NAMES, INLINE_SECRET_NAMES } from './defaults.js';
import {
  bracketField,
  endsInSecretName,
  isSecretParam,
  type SecretNames,
  secretNamesOf,
  secretSuffixes,
} from './param-names.js';
import { redactPathSecrets } from './path-secrets.js';

/**
 * Query parameters whose values are scrubbed from URL attributes (compared case-insensitively): these,
 * every name free text scrubs (`accessToken`, `client-secret`, `x-api-key`... INLINE_SECRET_NAMES),
 * and a name that ends in one of those after a character that is not a letter or digit, as in free
 * text (`auth_token`, `private_token`; endsInSecretName).
 */
const QUERY_PARAMS: readonly string[] = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'auth',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'key',
  'api_key',
  'apikey',
  'api-key',
  'sig',
  'signature',
  'code',
  'jwt',
  'session',
  'sessionid',
  'session_id',
  'sid',
  // Frameworks' session parameters: Java servlets' (also a path parameter), PHP's.
  'jsessionid',
  'phpsessid',
  'awsaccesskeyid',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
  'x-goog-signature',
  'x-goog-credential',
];
export const DEFAULT_QUERY_PARAMS: readonly string[] = [
  ...new Set([...QUERY_PARAMS, ...INLINE_SECRET_NAMES.map((n) => n.toLowerCase())]),
];
// `auth_token=x` in a message was scrubbed and `?auth_token=x` in url.full was not; so with
// `PGPASSWORD=x` and `?dbpassword=x`.
export const QUERY_SECRET_SUFFIXES = secretSuffixes(INLINE_SECRET_NAMES, INLINE_GLUED_NAMES);
const SECRET_SUFFIXES = QUERY_SECRET_SUFFIXES;

// Semantic conventions (url.full, url.query) prescribe the literal `REDACTED` for URLs, not the
// configurable replacement: https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/
const URL_REDACTED = 'REDACTED';
// Userinfo runs to the LAST `@` before the path, query or fragment, as the URL parser reads it:
// `postgres://app:p@ss@db/prod` connects with the password `p@ss`, and stopping at the first `@`
// sent `REDACTED:REDACTED@ss@db`. Anchored, greedy then giving back to one `@`: linear.
const USERINFO = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/?#\s]*@/;
const DEFAULT_PARAM_SET = new Set(DEFAULT_QUERY_PARAMS);

/**
 * Scrubs `a=1&token=x` (no leading `?`). One pass with indexOf, copying only around what changes:
 * splitting into an array and joining it cost ~4 ms for a 256 KB query of short pairs (issue 20).
 * Past the budget (budget.ts), the value of the next secret parameter runs to the end of the query.
 */
export function redactQuery(
  query: string,
  params: ReadonlySet<string> = DEFAULT_PARAM_SET,
  budget: SecretBudget = secretBudget(),
): string {
  let nextEq = query.indexOf('=');
  if (nextEq === -1) return query;
  const names = secretNamesOf(params);
  let out = '';
  let copied = 0;
  let start = 0;
  // Where the next encoded `=` is, in either case: found once and reused until passed, as nextEq.
  let upper = 0;
  let lower = 0;
  const scrubNested = (from: number, to: number): boolean => {
    out += `${query.slice(copied, from)}${URL_REDACTED}`;
    copied = to;
    return takeSecret(budget);
  };
  while (start <= query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    // The next `=` is found once and reused until passed, so no part searches beyond its end twice.
    if (nextEq !== -1 && nextEq < start) nextEq = query.indexOf('=', start);
    if (nextEq !== -1 && nextEq > start && nextEq < end) {
      // The undici instrumentation reports url.query with its leading '?' (`?api_key=…`).
      const nameStart = start === 0 && query.charCodeAt(0) === 63 ? 1 : 0;
      if (
        secretName(query, start + nameStart, nextEq, params, names) &&
        !(end - nextEq - 1 === URL_REDACTED.length && query.startsWith(URL_REDACTED, nextEq + 1))
      ) {
        out += `${query.slice(copied, nextEq + 1)}${URL_REDACTED}`;
        if (!takeSecret(budget)) return out;
        copied = end;
      } else {
        if (upper !== -1 && upper <= nextEq) upper = query.indexOf('%3D', nextEq);
        if (lower !== -1 && lower <= nextEq) lower = query.indexOf('%3d', nextEq);
        const encoded = upper === -1 ? lower : lower === -1 ? upper : Math.min(upper, lower);
        if (
          encoded !== -1 &&
          encoded < end &&
          !nestedSecrets(query, nextEq + 1, end, params, names, scrubNested)
        )
          return out;
      }
    }
    start = end + 1;
  }
  return copied === 0 ? query : out + query.slice(copied);
}

/**
 * Whether a parameter's name is a secret one: by itself, by its ending, or by the field in its last
 * brackets (`user[password]`, `auth%5Btoken%5D`: qs, Rails and PHP forms), which ended in `]`
 * and so in no secret name.
 */
function secretName(
  query: string,
  from: number,
  to: number,
  params: ReadonlySet<string>,
  names: SecretNames,
): boolean {
  if (isSecretParam(query, from, to, params, names) || endsInSecretName(query, from, to, SECRET_SUFFIXES))
    return true;
  const field = bracketField(query, from, to);
  return (
    field !== undefined &&
    (isSecretParam(query, field[0], field[1], params, names) ||
      endsInSecretName(query, field[0], field[1], SECRET_SUFFIXES, true))
  );
}

/** `%XX` at `i`, as the number XX, case-insensitively (`%3d` is `%3D`); -1 when it is not one. */
function encodedAt(query: string, i: number, to: number): number {
  if (i + 2 >= to || query.charCodeAt(i) !== 37) return -1;
  const high = query.charCodeAt(i + 1);
  const low = query.charCodeAt(i + 2) | 0x20;
  if (high < 48 || high > 55) return -1;
  const digit = low >= 48 && low <= 57 ? low - 48 : low >= 97 && low <= 102 ? low - 87 : -1;
  return digit === -1 ? -1 : (high - 48) * 16 + digit;
}

/**
 * The secret parameters of a value that is itself an encoded URL or query: a login redirect
 * `next=%2Freset%3Ftoken%3Dabc` carries a reset token, escaped once, which the whole-name check
 * of its parameter (`next`) never looked into. Pairs split at an encoded `?`, `&` or `#`, name and
 * value at the first encoded `=`; `secret(from, to)` is called for each secret value, in order
 * (false: stop, the budget is spent). One pass over the value.
 */
function nestedSecrets(
  query: string,
  from: number,
  to: number,
  params: ReadonlySet<string>,
  names: SecretNames,
  secret: (from: number, to: number) => boolean,
): boolean {
  let pair = from;
  let eq = -1;
  for (let i = from; i <= to; i++) {
    const code = i === to ? 0x26 : encodedAt(query, i, to);
    if (code === 0x3d && eq === -1) {
      eq = i;
      i += 2;
    } else if (code === 0x26 || code === 0x3f || code === 0x23) {
      const value = eq + 3;
      if (
        eq > pair &&
        value < i &&
        !(i - value === URL_REDACTED.length && query.startsWith(URL_REDACTED, value)) &&
        secretName(query, pair, eq, params, names) &&
        !secret(value, i)
      )
        return false;
      pair = i + 3;
      eq = -1;
      i += 2;
    }
  }
  return true;
}

/**
 * Path parameters (`;name=value`, RFC 3986 §3.3) in `text[from, to)`, a path: one whose name is a
 * secret query parameter's has its value replaced. A servlet container that cannot set its cookie
 * puts the session in every link (`/cart;jsessionid=…`), which the query rules never read. One
 * pass: the next `=` is found once and reused until passed, as in redactQuery.
 */
export function redactPathParams(
  text: string,
  from: number,
  to: number,
  params: ReadonlySet<string>,
  budget: SecretBudget,
): string {
  let semi = text.indexOf(';', from);
  if (semi === -1 || semi >= to) return text;
  const names = secretNamesOf(params);
  let out = '';
  let copied = 0;
  let nextEq = 0;
  while (semi !== -1 && semi < to) {
    const name = semi + 1;
    // The parameter ends at the next `;` or `/`.
    let end = name;
    while (end < to && text.charCodeAt(end) !== 59 && text.charCodeAt(end) !== 47) end++;
    if (nextEq !== -1 && nextEq < name) nextEq = text.indexOf('=', name);
    if (
      nextEq > name &&
      nextEq < end &&
      !(end - nextEq - 1 === URL_REDACTED.length && text.startsWith(URL_REDACTED, nextEq + 1)) &&
      secretName(text, name, nextEq, params, names)
    ) {
      out += `${text.slice(copied, nextEq + 1)}${URL_REDACTED}`;
      copied = end;
      if (!takeSecret(budget)) return out;
    }
    semi = end < to && text.charCodeAt(end) === 59 ? end : text.indexOf(';', end);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * Scrubs a URL or request target: userinfo becomes `REDACTED:REDACTED@`, sensitive query (and
 * fragment, for OAuth's `#access_token=`) parameter values become `REDACTED`
 * (opentelemetry-js #5741; semconv `url.full`). Works on absolute URLs, `/path?query` and bare queries.
 */
export function redactUrl(
  value: string,
  params: ReadonlySet<string> = DEFAULT_PARAM_SET,
  budget: SecretBudget = secretBudget(),
): string {
  let out = value;
  if (out.includes('@')) {
    const userinfo = USERINFO.exec(out);
    if (userinfo !== null) {
      // Past the budget (budget.ts), everything after the scheme goes.
      if (!takeSecret(budget)) return `${userinfo[1]}${URL_REDACTED}`;
      out = `${userinfo[1]}${URL_REDACTED}:${URL_REDACTED}@${out.slice(userinfo[0].length)}`;
    }
  }
  // Each searched for once: the path ends at the first of them, and the query and fragment start there.
  let q = out.indexOf('?');
  let h = out.indexOf('#');
  let pathTo = q === -1 ? (h === -1 ? out.length : h) : h === -1 ? q : Math.min(q, h);
  const path = pathStart(out, schemeEnd(out), pathTo);
  const withParams = redactPathParams(out, path, pathTo, params, budget);
  if (budget.spent) return withParams;
  if (withParams !== out) {
    out = withParams;
    q = out.indexOf('?');
    h = out.indexOf('#');
    pathTo = q === -1 ? (h === -1 ? out.length : h) : h === -1 ? q : Math.min(q, h);
  }
  const withPath = redactPathSecrets(out, path, pathTo, budget);
  if (budget.spent) return withPath;
  if (withPath !== out) {
    out = withPath;
    q = out.indexOf('?');
    h = out.indexOf('#');
  }
  if (q === -1 && h === -1) return out;
  // Nothing scrubbed in the query and fragment: the string itself is returned, not one rebuilt
  // from its pieces, which the next search would copy flat (~0.8 ms for 256 KB).
  if (q !== -1 && (h === -1 || q < h)) {
    // The query runs to the first `#`, and scrubbing it adds none, so the fragment is the original's
    // from `h`: no search of the rebuilt string (a rope of every replaced piece, which a search
    // would flatten here, 2–3 ms for 32k scrubbed parameters).
    const query = out.slice(q + 1, h === -1 ? out.length : h);
    const fragment = h === -1 ? '' : out.slice(h + 1);
    const scrubbedQuery = redactQuery(query, params, budget);
    // A spent budget replaced the query's tail, so the fragment (after it) goes too.
    if (budget.spent) return `${out.slice(0, q + 1)}${scrubbedQuery}`;
    const scrubbedFragment = h === -1 ? '' : redactQuery(fragment, params, budget);
    if (scrubbedQuery === query && scrubbedFragment === fragment) return out;
    const head = `${out.slice(0, q + 1)}${scrubbedQuery}`;
    return h === -1 ? head : `${head}#${scrubbedFragment}`;
  }
  // A fragment first: everything after the first `#` is the fragment, a `?` in it included.
  const fragment = out.slice(h + 1);
  const scrubbed = redactQuery(fragment, params, budget);
  return scrubbed === fragment ? out : `${out.slice(0, h + 1)}${scrubbed}`;
}

// After `://`: the URL runs to the next space, quote, `<`, `>` or backtick. Run with `test`, whose
// `lastIndex` is then the URL's end: `exec` made a match array and a string for each URL, ~110
// bytes, a fifth of what `span.end()` allocated for a span of URL-dense text.
const URL_BODY = /[^\s"'<>`]+/y;

function isSchemeChar(c: number): boolean {
  // a-z A-Z 0-9 + . -
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45
  );
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isWordChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * Scrubs every `scheme://...` URL found in free text (exception messages, log-like strings): what
 * `/\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"'<>`]+/g` would find, in linear time. That regex retried from
 * every word boundary inside a long `a.a.a…` run and scanned the whole run each time (quadratic:
 * 64 KB took ~1 s, issue 20). Here each `://` is found with indexOf and the scheme is read
 * backwards from it, so every character is looked at a bounded number of times.
 */
export function redactUrlsInText(
  text: string,
  params: ReadonlySet<string> = DEFAULT_PARAM_SET,
  budget: SecretBudget = secretBudget(),
): string {
  let colon = text.indexOf('://');
  if (colon === -1) return text;
  let out = '';
  let copied = 0;
  let urlEnd = 0;
  while (colon !== -1) {
    // The leftmost scheme start: within the run of scheme characters before `://`, not before the
    // end of the previous URL, a letter at a word boundary (the regex's `\b[a-zA-Z]`).
    let runStart = colon;
    while (runStart > urlEnd && isSchemeChar(text.charCodeAt(runStart - 1))) runStart--;
    let start = -1;
    for (let p = runStart; p < colon; p++) {
      if (isLetter(text.charCodeAt(p)) && (p === 0 || !isWordChar(text.charCodeAt(p - 1)))) {
        start = p;
        break;
      }
    }
    URL_BODY.lastIndex = colon + 3;
    if (start === -1 || !URL_BODY.test(text)) {
      colon = text.indexOf('://', colon + 1);
      continue;
    }
    urlEnd = URL_BODY.lastIndex;
    const url = text.slice(start, urlEnd);
    const scrubbed = redactUrl(url, params, budget);
    if (scrubbed !== url) {
      out += text.slice(copied, start) + scrubbed;
      copied = urlEnd;
      // Past the budget (budget.ts), the URL that found it spent ends with `REDACTED`, and the text there.
      if (budget.spent) return out;
    }
    colon = text.indexOf('://', urlEnd);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Where `scheme://` ends in `url` (the index of its `:`), or -1 when it does not start with one. */
function schemeEnd(url: string): number {
  if (!isLetter(url.charCodeAt(0))) return -1;
  for (let i = 1; i < url.length && i < 32; i++) {
    const c = url.charCodeAt(i);
    if (c === 58) return url.startsWith('//', i + 1) ? i : -1;
    if (!isSchemeChar(c)) return -1;
  }
  return -1;
}

/** Where the path of `url` starts: after `scheme://authority` (the first `/` before `to`), or 0 without a scheme. */
function pathStart(url: string, scheme: number, to: number): number {
  if (scheme === -1) return 0;
  const slash = url.indexOf('/', scheme + 3);
  return slash === -1 || slash > to ? to : slash;
}
