import { type SecretBudget, takeSecret } from './budget.js';

/**
 * A URL path that carries a credential: a password-reset, e-mail verification, invitation or
 * magic-login link (`/reset-password/8f14e45fceea167a5a36dedd4bea2543`), a session or API key
 * addressed by its value, a generic webhook's secret path. The query rules (url.ts) never see a
 * path, and the span's `http.route` (`/reset-password/:token`) keeps what grouping needs, so in
 * `url.full`, `url.path`, `http.target` and the like a segment is replaced with `REDACTED` when:
 * - the segment before it names such a credential (PATH_SECRET_SEGMENTS, any case), and
 * - it looks like one: at least 16 characters of `A-Z a-z 0-9 - _ . ~ % + =`, with a digit and a
 *   letter among them (`/tokens/list`, `/invite/accept` and short ids stay).
 *
 * One pass over the path; a name is looked up only before a segment that long.
 */
const PATH_SECRET_SEGMENTS = new Set(
  (
    'token tokens reset reset-password reset_password resetpassword password-reset password_reset ' +
    'password passwords verify verify-email verify_email verification confirm confirm-email ' +
    'confirmation activate activation invite invites invitation invitations magic magic-link ' +
    'magic_link magiclink login-link signin-link unsubscribe key keys api-key api_key apikey api-keys ' +
    'apikeys secret secrets session sessions share shared webhook webhooks hook hooks'
  ).split(' '),
);
const LONGEST_NAME = Math.max(...[...PATH_SECRET_SEGMENTS].map((s) => s.length));
const SHORTEST_SECRET = 16;
const URL_REDACTED = 'REDACTED';

enum Kind {
  Other = 0,
  Letter = 1,
  Digit = 2,
}

/** What a character of a credential-like segment is; -1 for one that cannot be in it. */
function kindOf(c: number): number {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) return Kind.Letter;
  if (c >= 48 && c <= 57) return Kind.Digit;
  return c === 45 || c === 95 || c === 46 || c === 126 || c === 37 || c === 43 || c === 61 ? Kind.Other : -1;
}

function looksLikeSecret(text: string, from: number, to: number): boolean {
  if (to - from < SHORTEST_SECRET) return false;
  let letter = false;
  let digit = false;
  for (let i = from; i < to; i++) {
    const kind = kindOf(text.charCodeAt(i));
    if (kind === -1) return false;
    if (kind === Kind.Letter) letter = true;
    else if (kind === Kind.Digit) digit = true;
  }
  return letter && digit;
}

function namesSecret(text: string, from: number, to: number): boolean {
  return (
    to - from <= LONGEST_NAME && to > from && PATH_SECRET_SEGMENTS.has(text.slice(from, to).toLowerCase())
  );
}

/** `text[from, to)` is a path (no query or fragment); returns `text` with such segments replaced. */
export function redactPathSecrets(text: string, from: number, to: number, budget: SecretBudget): string {
  if (to - from < SHORTEST_SECRET + 2) return text;
  let out = '';
  let copied = 0;
  let previousFrom = -1;
  let previousTo = -1;
  for (let segment = from; segment <= to; ) {
    // Found by indexOf, not read char by char; a `/` past `to` (in the query) ends the path, so the
    // text after it is searched once at most.
    let end = text.indexOf('/', segment);
    if (end === -1 || end > to) end = to;
    // The name first: its length rules out nearly every segment before a character is read.
    if (
      previousFrom !== -1 &&
      end - segment >= SHORTEST_SECRET &&
      namesSecret(text, previousFrom, previousTo) &&
      looksLikeSecret(text, segment, end)
    ) {
      out += text.slice(copied, segment) + URL_REDACTED;
      copied = end;
      // Past the budget (budget.ts), the rest of the value goes.
      if (!takeSecret(budget)) return out;
    }
    previousFrom = segment;
    previousTo = end;
    segment = end + 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
