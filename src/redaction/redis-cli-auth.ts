import { type SecretBudget, secretBudget, takeSecret } from './budget.js';
import { isAlnum, isSpaceOrTab as isBlank, isDigit, isScrubbed } from './chars.js';

/**
 * Redis's `AUTH [username] password` written outside a statement, where a line says it is Redis's:
 * after `redis-cli` or `valkey-cli` on the same line (`redis-cli -h 127.0.0.1 AUTH hunter2` in a log
 * line, or in the message of a failed `execSync`), or at redis-cli's prompt (`127.0.0.1:6379> AUTH
 * hunter2`, a pasted session). Both words after it are hidden, the user name too (`AUTH pw PING`
 * reads `pw` as the user), up to a shell operator, the line's end or the quote the command is in.
 * They went out (until 2026-12-07): redis-statement.ts reads only `db.statement`, and `AUTH` alone is
 * no sign of Redis (`AUTH failed for user bob`, Redis's own `ERR AUTH <password> called without …`).
 *
 * Linear: one forward scan of the matches of one regex of literals; whether the line named a Redis
 * client is carried forward, never looked for backward.
 */
export type RedisCliAuthScrubber = (text: string, budget?: SecretBudget) => string;

/** Group 1: a Redis client's name; group 2: a line break; else `AUTH`. */
const TOKENS = /((?:redis|valkey)-cli)|(\r?\n)|auth/gi;

/** Not part of a name: `AUTH` in `OAUTH`, `x-auth-token` or `AUTH_TOKEN` is no command. */
function isBoundary(c: number): boolean {
  return Number.isNaN(c) || !(isAlnum(c) || c === 95 || c === 45);
}

/** redis-cli's prompt right before `at`: `host:port> ` (or `> ` after `:port`). */
function afterPrompt(text: string, at: number): boolean {
  let p = at - 1;
  while (p >= 0 && at - p <= 4 && isBlank(text.charCodeAt(p))) p--;
  if (p < 0 || text.charCodeAt(p) !== 62 /* > */) return false;
  let q = p - 1;
  while (q >= 0 && p - q <= 6 && isDigit(text.charCodeAt(q))) q--;
  return q < p - 1 && q >= 0 && text.charCodeAt(q) === 58 /* : */;
}

/**
 * The word at `from` as [start, end) of what to hide: up to a blank, a line's end, a quote or a shell
 * operator; a quoted word (`AUTH "p w"`), inside its quotes on the line. Empty when there is none.
 */
function wordAt(text: string, from: number): [number, number] {
  const quote = text.charCodeAt(from);
  const quoted = quote === 34 || quote === 39;
  const start = quoted ? from + 1 : from;
  let p = start;
  // Unbounded: the scan goes on after the word (TOKENS.lastIndex), so each character is read once.
  while (p < text.length) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) break;
    if (quoted ? c === quote : isBlank(c) || c === 34 || c === 39 || c === 59 || c === 38 || c === 124) break;
    p++;
  }
  return [start, p];
}

export function createRedisCliAuthScrubber(replacement: string): RedisCliAuthScrubber {
  return (text, budget = secretBudget()) => {
    // A text with no `-cli` and no `>` names no Redis client (nearly all): nothing allocated.
    if (text.indexOf('-cli') === -1 && text.indexOf('>') === -1) return text;
    let out = '';
    let copied = 0;
    let redisLine = false;
    TOKENS.lastIndex = 0;
    for (let m = TOKENS.exec(text); m !== null; m = TOKENS.exec(text)) {
      if (m[1] !== undefined) {
        redisLine = true;
        continue;
      }
      if (m[2] !== undefined) {
        redisLine = false;
        continue;
      }
      const at = m.index;
      const end = at + 4;
      if (
        !isBoundary(text.charCodeAt(at - 1)) ||
        !isBoundary(text.charCodeAt(end)) ||
        !isBlank(text.charCodeAt(end)) ||
        !(redisLine || afterPrompt(text, at))
      )
        continue;
      let p = end;
      for (let word = 0; word < 2; word++) {
        while (p < text.length && isBlank(text.charCodeAt(p))) p++;
        const [from, to] = wordAt(text, p);
        if (to === from) break;
        if (!isScrubbed(text, from, to, replacement)) {
          out += text.slice(copied, from) + replacement;
          copied = to;
          // Past the budget (budget.ts), the rest of the text is replaced whole.
          if (!takeSecret(budget)) return out;
        }
        // Past a quoted word's closing quote.
        p = from > p && text.charCodeAt(to) === text.charCodeAt(p) ? to + 1 : to;
      }
      TOKENS.lastIndex = Math.max(p, end);
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}
