import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isDigit, isLetter, isOneOf, isScrubbed } from './chars.js';

/**
 * `user:password@host:port` without a scheme in free text: a driver's error (`connecting to
 * admin:s3cret@db.internal:5432 failed`), a Redis or AMQP address (`default:pw@10.0.0.1:6379`),
 * Go's MySQL DSN (`root:pw@tcp(127.0.0.1:3306)/app`). URLs with a scheme are url.ts's; these went
 * out whole. The password, from the first `:` of the word to its last `@` (`app:p@ss@db:27017`, as
 * a URL parser reads userinfo), is replaced; the user is kept.
 *
 * Only where what follows the `@` is surely a server, so that `email:bob@example.com`,
 * `mailto:bob@example.com`, `git@github.com:org/repo.git`, `10:30@room`, an image digest
 * (`nginx:1.25@sha256:…`) and `a:b@c` in prose stay: a host and a port (`:` and 1 to 5 digits), a
 * host and a path (`/`), an IPv4 or IPv6 address, `localhost`, or a DSN's `tcp(`/`unix(`. A user
 * made of digits only (a time) is no user, nor is `sip` (`sip:alice@host:5060`), and a `:` right
 * before the `@` is no password (`jdbc:oracle:thin:@db:1521:orcl`); a version is no IPv4 address
 * or port (`npm:lodash@4.17.21`, `patch:lodash@npm:4.17.21`).
 *
 * A dotted host name alone (`admin:pw@db.internal`) is a server too, when its first label starts
 * with a letter and its last is a word of two letters or more (no version, `@2x.png` or `@c.d`),
 * unless what is before the `:` names an address (ADDRESS_LABELS: `mailto:bob@example.com`,
 * `email:`, `To:`, Exchange's `smtp:`): an email address after another word loses its local part,
 * which is the safer mistake than a password going out.
 *
 * One pass: each `@` found with indexOf; its word is read back to the previous word's end, and the
 * search goes on after the word, so no character is read more than twice.
 */
export type UserinfoScrubber = (text: string, budget?: SecretBudget) => string;

/** What ends a word holding `user:password@host`: white space, quotes, brackets, `,;=/\|` and `<>`. */
function isDelimiter(c: number): boolean {
  return (
    c <= 32 ||
    c === 34 ||
    c === 39 ||
    c === 96 ||
    c === 40 ||
    c === 41 ||
    c === 91 ||
    c === 93 ||
    c === 123 ||
    c === 125 ||
    c === 60 ||
    c === 62 ||
    c === 44 ||
    c === 59 ||
    c === 61 ||
    c === 47 ||
    c === 92 ||
    c === 124 ||
    c === 0xa0 ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** A host name's characters: letters, digits, `.`, `-`, `_`. */
function isHostChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 45 || c === 95;
}

/** Whether `text[from, to)` is not empty and made of digits only. */
function digitsOnly(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return to > from;
}

/**
 * Whether `text[from, to)` is an IPv4 address: four runs of 1 to 3 digits between dots. Not a
 * version (`npm:lodash@4.17.21`), which has three.
 */
function ipv4(text: string, from: number, to: number): boolean {
  let parts = 1;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0) return false;
      parts++;
      digits = 0;
    } else if (!isDigit(c) || ++digits > 3) return false;
  }
  return parts === 4 && digits > 0;
}

/**
 * Words that, before `:`, say an email or chat address follows (`mailto:bob@example.com`), lower
 * case: mail headers and URI schemes, Exchange's proxy addresses (`SMTP:bob@contoso.com`), a
 * commit's or a ticket's people. `user` is left out: `user:pw@db.example.com` is a login too.
 */
const ADDRESS_LABELS = [
  'mailto',
  'email',
  'e-mail',
  'mail',
  'smtp',
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'sender',
  're',
  'fw',
  'fwd',
  'xmpp',
  'jid',
  'im',
  'pres',
  'acct',
  'cid',
  'mid',
  'author',
  'committer',
  'owner',
  'assignee',
  'reporter',
  'reviewer',
  'contact',
  'username',
  'login',
];

/**
 * Whether `text[from, to)` is a host name: two labels or more, the first starting with a letter, the
 * last a word of two letters or more (`db.internal`, `redis-1.prod.svc`), dots at its end left out
 * (`admin:pw@db.example.com.` ends a sentence).
 */
function namedHost(text: string, from: number, to: number): boolean {
  let end = to;
  while (end > from && text.charCodeAt(end - 1) === 46) end--;
  if (!isLetter(text.charCodeAt(from))) return false;
  let dots = 0;
  let label = from;
  for (let i = from; i < end; i++) {
    if (text.charCodeAt(i) !== 46) continue;
    if (i === label) return false;
    dots++;
    label = i + 1;
  }
  if (dots === 0 || end - label < 2) return false;
  for (let i = label; i < end; i++) if (!isLetter(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Whether a server's address starts at `at` (right after the `@`): see the file's comment. Reads
 * the host name and a port after it, never past the next character that is none of them. The
 * user, or label, is `text[user, colon)`.
 */
function serverAt(text: string, at: number, user: number, colon: number): boolean {
  const n = text.length;
  if (at >= n) return false;
  const first = text.charCodeAt(at);
  // `[::1]:5432`, `[fe80::1]`: an IPv6 literal.
  if (first === 91) return at + 1 < n && (text.charCodeAt(at + 1) === 58 || isAlnum(text.charCodeAt(at + 1)));
  if (!isAlnum(first)) return false;
  let end = at + 1;
  while (end < n && isHostChar(text.charCodeAt(end))) end++;
  const after = end < n ? text.charCodeAt(end) : -1;
  if (after === 47) return true;
  if (after === 40) {
    const proto = text.slice(at, end);
    return proto === 'tcp' || proto === 'tcp6' || proto === 'unix';
  }
  if (after === 58) {
    let p = end + 1;
    while (p < n && p - end <= 6 && isDigit(text.charCodeAt(p))) p++;
    const digits = p - end - 1;
    // Not a version after a registry's name (yarn's `patch:lodash@npm:4.17.21`): no `.` and digit next.
    const next = p < n ? text.charCodeAt(p) : -1;
    const version = next === 46 && p + 1 < n && isDigit(text.charCodeAt(p + 1));
    if (digits >= 1 && digits <= 5 && !isAlnum(next) && !version) return true;
  }
  return (
    ipv4(text, at, end) ||
    (end - at === 9 && text.slice(at, end).toLowerCase() === 'localhost') ||
    (namedHost(text, at, end) && !isOneOf(text, user, colon, ADDRESS_LABELS))
  );
}

/** Whether `text[from, to)` is `sip` or `sips`: `sip:alice@atlanta.example:5060` names a user, no password. */
function sipUri(text: string, from: number, to: number): boolean {
  const length = to - from;
  return (
    (length === 3 || (length === 4 && (text.charCodeAt(from + 3) | 0x20) === 115)) &&
    (text.charCodeAt(from) | 0x20) === 115 &&
    (text.charCodeAt(from + 1) | 0x20) === 105 &&
    (text.charCodeAt(from + 2) | 0x20) === 112
  );
}

export function createUserinfoScrubber(replacement: string): UserinfoScrubber {
  return (text, budget = secretBudget()) => {
    let at = text.indexOf('@');
    if (at === -1) return text;
    const n = text.length;
    let out = '';
    let copied = 0;
    let scanned = 0;
    while (at !== -1) {
      let start = at;
      while (start > scanned && !isDelimiter(text.charCodeAt(start - 1))) start--;
      // The word's end, and its last `@`: the password runs to it from the user's first `:`.
      let end = at + 1;
      let last = at;
      for (let c = text.charCodeAt(end); end < n && !isDelimiter(c); c = text.charCodeAt(++end))
        if (c === 64) last = end;
      scanned = end;
      let colon = start;
      while (colon < at && text.charCodeAt(colon) !== 58) colon++;
      if (colon > start && colon < at && last > colon + 1 && !digitsOnly(text, start, colon)) {
        if (
          text.charCodeAt(colon + 1) !== 58 &&
          // `jdbc:oracle:thin:@db:1521:orcl`: no password, a `:` before the `@`.
          text.charCodeAt(last - 1) !== 58 &&
          !sipUri(text, start, colon) &&
          serverAt(text, last + 1, start, colon) &&
          !isScrubbed(text, colon + 1, last, replacement)
        ) {
          out += text.slice(copied, colon + 1) + replacement;
          // Past the budget (budget.ts), this password runs to the end of the text.
          if (!takeSecret(budget)) return out;
          copied = last;
        }
      }
      at = end < n ? text.indexOf('@', end) : -1;
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
