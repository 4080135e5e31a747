import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isScrubbed, lineEnd } from './chars.js';
import { quoteClose } from './quotes.js';

/**
 * `user:password` under an `auth` key: Node's `http.request({ auth: 'bob:pw' })` options and the
 * legacy `url.parse()` result (`Url { auth: 'bob:pw', … }`) as util.inspect and JSON print them,
 * `proxyAuth`, `basic_auth`, `PROXY_AUTH=bob:pw`; and Docker's config.json, whose `"auth"` is
 * `user:password` in base64 (`{"auths":{"r.io":{"auth":"Ym9iOnB3"}}}`). `auth` alone is no secret
 * name (`auth: 'none'`, `auth=basic`), so these went out whole (until 2026-12-07). The user is kept
 * and the password hidden; the base64 form is hidden whole when it decodes to printable
 * `user:password`. A URL (`auth: 'https://…'`) is the URL pass's; `oauth`, `authority` and a value
 * without a colon are kept.
 *
 * Linear: LOCATOR starts at the literal `auth` and its runs are bounded; each value is read once,
 * and the search goes on after it.
 */
export type AuthUserPassScrubber = (text: string, budget?: SecretBudget) => string;

/** `auth`, a quote, blanks, `:` or `=`, blanks: the value's first character next. */
const LOCATOR = /auth["']?[ \t]{0,8}[:=][ \t]{0,8}/gi;
/** A user longer than this is no user (`auth: '<some prose>: …'`). */
const MAX_USER = 128;
/** A base64 value longer than this is not decoded. */
const MAX_BASE64 = 1024;

/** `[A-Za-z0-9_-]`: a key's characters. */
function isKeyChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45;
}

/**
 * Whether the `auth` at `at` ends a key: alone (`auth`, `"auth"`), after `_` or `-` (`basic_auth`,
 * `PROXY_AUTH`), or camelCase (`proxyAuth`); not inside a word (`oauth`, `OAuth`).
 */
function endsKey(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1);
  if (at === 0 || !isKeyChar(before) || before === 95 || before === 45) return true;
  return text.charCodeAt(at) === 65 && before >= 97 && before <= 122;
}

/** Where an unquoted value at `from` ends: a blank, a quote, `,`, `;`, `&`, or a closing bracket. */
function bareEnd(text: string, from: number): number {
  let p = from;
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (
      c <= 32 ||
      c === 34 ||
      c === 39 ||
      c === 44 ||
      c === 59 ||
      c === 38 ||
      c === 125 ||
      c === 41 ||
      c === 93
    )
      break;
    p++;
  }
  return p;
}

/** Where the password of `user:password` in `text[from, to)` starts, or -1. */
function passwordAt(text: string, from: number, to: number): number {
  let p = from;
  while (p < to && p - from <= MAX_USER) {
    const c = text.charCodeAt(p);
    if (c === 58) break;
    if (c === 32 || c === 9) return -1;
    p++;
  }
  if (p >= to || text.charCodeAt(p) !== 58 || p + 1 >= to) return -1;
  // `auth: 'https://…'`: a URL, scrubbed as one.
  if (text.charCodeAt(p + 1) === 47 && text.charCodeAt(p + 2) === 47) return -1;
  return p + 1;
}

/** Whether `text[from, to)` is base64 of printable `user:password`. */
function isBase64UserPass(text: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 8 || n > MAX_BASE64 || n % 4 !== 0) return false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!(isAlnum(c) || c === 43 || c === 47 || (c === 61 && i >= to - 2))) return false;
  }
  const bytes = Buffer.from(text.slice(from, to), 'base64');
  let colon = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 32 || b > 126) return false;
    if (b === 58 && colon === -1) colon = i;
  }
  return colon > 0 && colon < bytes.length - 1;
}

export function createAuthUserPassScrubber(replacement: string): AuthUserPassScrubber {
  return (text, budget = secretBudget()) => {
    let out = '';
    let copied = 0;
    LOCATOR.lastIndex = 0;
    for (let m = LOCATOR.exec(text); m !== null; m = LOCATOR.exec(text)) {
      if (!endsKey(text, m.index)) continue;
      const at = LOCATOR.lastIndex;
      const q = text.charCodeAt(at);
      const quoted = q === 34 || q === 39;
      const close = quoted ? quoteClose(text, at, text.length, false) : -1;
      const from = quoted ? at + 1 : at;
      const to = quoted ? (close === -1 ? lineEnd(text, from) : close) : bareEnd(text, at);
      LOCATOR.lastIndex = Math.max(to, at);
      if (to <= from) continue;
      let hideFrom = passwordAt(text, from, to);
      if (hideFrom === -1 && quoted && isBase64UserPass(text, from, to)) hideFrom = from;
      // Scrubbed already (`[REDACTED]`, whose `]` ends an unquoted value): left as it is.
      if (
        hideFrom === -1 ||
        isScrubbed(text, hideFrom, to, replacement) ||
        text.startsWith(replacement, hideFrom)
      )
        continue;
      out += text.slice(copied, hideFrom) + replacement;
      copied = to;
      // Past the budget (budget.ts), this value runs to the end of the text.
      if (!takeSecret(budget)) return out;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
